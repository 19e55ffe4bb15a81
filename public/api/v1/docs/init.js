// The interactive API reference (GET /api/v1/docs): Swagger UI on the document this Worker serves.
// "Try it out" calls this page's own origin (the document's `servers` names the configured public
// base URL, which may be another host); "Authorize" takes an access token from POST /api/v1/auth/login.
(async () => {
  const root = document.getElementById("swagger-ui");
  try {
    const response = await fetch("/api/v1/openapi.json", { headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(`GET /api/v1/openapi.json answered ${response.status}`);
    const spec = await response.json();
    spec.servers = [{ url: window.location.origin, description: "This server" }];
    window.ui = window.SwaggerUIBundle({
      spec,
      domNode: root,
      deepLinking: true,
      // No call to the public validator at validator.swagger.io: this page talks to its own origin only.
      validatorUrl: null,
      tryItOutEnabled: false,
      displayOperationId: true,
      persistAuthorization: false,
    });
  } catch (error) {
    root.textContent = `The API reference could not load the OpenAPI document: ${error.message}`;
  }
})();
