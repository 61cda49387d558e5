// Starts the vendored Swagger UI on /api/v1/docs. No inline script (CSP), no CDN.
(function () {
  "use strict";
  var body = document.body.dataset;
  var config = JSON.parse(document.getElementById("swagger-settings").textContent);
  config.dom_id = "#swagger-ui";
  config.presets = [SwaggerUIBundle.presets.apis];
  config.layout = "BaseLayout";
  // The online validator badge would call a third-party server.
  config.validatorUrl = null;
  config.requestInterceptor = function (req) {
    // Session callers need the CSRF token on writes; Bearer callers ignore it.
    if (body.csrfToken) {
      req.headers["X-CSRFToken"] = body.csrfToken;
    }
    return req;
  };
  window.ui = SwaggerUIBundle(config);
})();
