export { ApiError, toApiError } from './api-error';
export { apiInterceptor } from './api.interceptor';
export { ApiService } from './api.service';
export type * from './api.types';
