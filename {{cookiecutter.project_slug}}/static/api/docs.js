/*
 * Swagger UI for /api/docs (templates/api/docs.html): a static file, so the page needs no inline
 * script. "Try it out" sends the page's CSRF token, as the room page does.
 */
(() => {
  "use strict";

  const root = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({
    url: root.dataset.openapiUrl,
    dom_id: "#swagger-ui",
    deepLinking: true,
    // Swagger UI would otherwise send the schema to validator.swagger.io.
    validatorUrl: null,
    requestInterceptor: (request) => {
      request.headers["X-CSRFToken"] = root.dataset.csrfToken;
      return request;
    },
  });
})();
