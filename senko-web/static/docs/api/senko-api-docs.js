// Swagger UI for Senko's API. The page has no inline script (the UI gets a strict CSP): this file
// starts it. api-reference.yml is served beside it by nginx from the repository's single copy.
// "Try it out" sends requests to the spec's server, the API origin (http://localhost:9999 locally).
// "Authorize" takes the access token (bearer); a successful "Try it out" of POST /user/login fills
// it in. persistAuthorization keeps it across reloads (localStorage of the UI origin).
"use strict";

window.addEventListener("load", () => {
  const ui = SwaggerUIBundle({
    url: "api-reference.yml",
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: "StandaloneLayout",
    persistAuthorization: true,
    tryItOutEnabled: true,
    displayRequestDuration: true,
    // No badge from validator.swagger.io: nothing leaves for another host.
    validatorUrl: null,
    responseInterceptor: (response) => {
      if (response.ok && /\/user\/login$/.test(new URL(response.url).pathname) && response.body && response.body.access_token) {
        ui.preauthorizeApiKey("bearer", response.body.access_token);
        ui.authActions.persistAuthorizationIfNeeded();
      }
      return response;
    },
  });
  window.ui = ui;
});
