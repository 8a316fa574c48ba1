import { type ApplicationConfig, provideBrowserGlobalErrorListeners } from '@angular/core';
import { provideHttpClient, withInterceptors, withNoXsrfProtection } from '@angular/common/http';
import { PreloadAllModules, provideRouter, withComponentInputBinding, withPreloading } from '@angular/router';
import { routes } from './app.routes';
import { apiInterceptor } from './api/api.interceptor';

export const appConfig: ApplicationConfig = {
  providers: [
    provideBrowserGlobalErrorListeners(),
    // The explorer's chunk loads while the person signs in (the sign-in page, the callback's token exchange).
    provideRouter(routes, withComponentInputBinding(), withPreloading(PreloadAllModules)),
    // The API takes bearer tokens, never cookies: no XSRF cookie to read (a synchronous call into the browser)
    // before each POST.
    provideHttpClient(withInterceptors([apiInterceptor]), withNoXsrfProtection()),
  ],
};
