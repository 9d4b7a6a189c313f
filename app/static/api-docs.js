// Starts Swagger UI on /docs and ReDoc on /redoc (an external file: the pages' CSP allows no
// inline script). Both read the OpenAPI URL from their element's data attributes.
"use strict";
(function () {
  const swagger = document.getElementById("swagger-ui");
  if (swagger) {
    window.ui = SwaggerUIBundle({
      url: swagger.dataset.openapiUrl,
      dom_id: "#swagger-ui",
      layout: "BaseLayout",
      deepLinking: true,
      showExtensions: true,
      showCommonExtensions: true,
      validatorUrl: null, // the public validator would be a request off this machine
      presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
    });
  }
  const redoc = document.getElementById("redoc");
  if (redoc) {
    // The nonce (where the CSP has one) goes on the <style> elements ReDoc writes.
    const options = redoc.dataset.nonce ? { nonce: redoc.dataset.nonce } : {};
    Redoc.init(redoc.dataset.openapiUrl, options, redoc);
  }
})();
