export { ApiError, toApiError } from './api-error';
export { apiInterceptor } from './api.interceptor';
export { ApiService } from './api.service';
export { PAGE_SIZE, pageQuery } from './paging';
export type * from './api.types';
