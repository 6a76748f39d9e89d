namespace PolicyAttach.IngressNginx;

/// <summary>How the conversion treats an ingress-nginx annotation.</summary>
public enum NginxAnnotationTreatment
{
    /// <summary>Part of the routing model and converted to Gateway API fields (its report entry depends on its value).</summary>
    Routing = 0,

    /// <summary>Access control or traffic policy: converted to an Envoy Gateway policy under <c>--profile envoy-gateway</c>, otherwise dropped.</summary>
    Policy,

    /// <summary>Changes nothing a request's routing depends on (buffers, logs, tracing, ciphers); dropped.</summary>
    NoRoutingEffect,

    /// <summary>Changes behaviour Gateway API cannot express; dropped, and the report says what to do instead.</summary>
    NotCarried,
}

/// <summary>One ingress-nginx annotation and what the conversion makes of it.</summary>
/// <param name="Name">The name without the prefix, such as <c>rewrite-target</c>.</param>
/// <param name="Treatment">How the conversion treats it.</param>
/// <param name="Plain">What it becomes without a profile.</param>
/// <param name="EnvoyGateway">What it becomes under <c>--profile envoy-gateway</c>.</param>
public sealed record NginxAnnotationInfo(string Name, NginxAnnotationTreatment Treatment, string Plain, string EnvoyGateway);

/// <summary>
/// Every annotation ingress-nginx reads (<see href="https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/">annotations</see>,
/// and the names its annotation parsers accept), with what the conversion makes of each. One owner: the report's
/// default entries and <c>docs/migrating-from-ingress-nginx.md</c> read this table.
/// </summary>
public static class NginxAnnotationCatalog
{
    private const string Buffering = "dropped: a buffering or connection setting with no routing effect; Gateway API has no field for it";
    private const string Observability = "dropped: logging and tracing are configured on the implementation, not on routes";
    private const string Snippet = "dropped: raw NGINX configuration has no Gateway API equivalent (ingress-nginx ignores snippets unless allow-snippet-annotations is on); rewrite it by hand";
    private const string Affinity = "dropped: session affinity; Gateway API's sessionPersistence is experimental";
    private const string AffinityEg = "approximated: BackendTrafficPolicy loadBalancer ConsistentHash on the cookie";
    private const string ExtAuthDetail = "dropped with auth-url: a detail of NGINX's auth_request";
    private const string Canary = "carried: header, cookie and weight conditions become rules with header matches and weighted backendRefs (cookie and pattern matches as implementation-specific RegularExpression header matches)";
    private const string Cors = "approximated: the HTTPRoute CORS filter (preflights are answered with 200, not 204, and only when they carry Origin and Access-Control-Request-Method)";

    /// <summary>The annotations, sorted by name.</summary>
    public static IReadOnlyList<NginxAnnotationInfo> All { get; } =
    [
        new("affinity", NginxAnnotationTreatment.Policy, Affinity, AffinityEg),
        new("affinity-canary-behavior", NginxAnnotationTreatment.Policy, Affinity, AffinityEg),
        new("affinity-mode", NginxAnnotationTreatment.Policy, Affinity, AffinityEg),
        new("allowlist-source-range", NginxAnnotationTreatment.Policy, "dropped: client address allow-lists have no Gateway API equivalent", "carried: SecurityPolicy authorization (allow these CIDRs, deny the rest) on the converted rules"),
        new("app-root", NginxAnnotationTreatment.Routing, "carried: an Exact / rule with a 302 RequestRedirect to the root (the query string is kept, NGINX drops it)", "as without a profile"),
        new("auth-always-set-cookie", NginxAnnotationTreatment.Policy, ExtAuthDetail, ExtAuthDetail),
        new("auth-cache-duration", NginxAnnotationTreatment.Policy, ExtAuthDetail, ExtAuthDetail),
        new("auth-cache-key", NginxAnnotationTreatment.Policy, ExtAuthDetail, ExtAuthDetail),
        new("auth-keepalive", NginxAnnotationTreatment.Policy, ExtAuthDetail, ExtAuthDetail),
        new("auth-keepalive-requests", NginxAnnotationTreatment.Policy, ExtAuthDetail, ExtAuthDetail),
        new("auth-keepalive-share-vars", NginxAnnotationTreatment.Policy, ExtAuthDetail, ExtAuthDetail),
        new("auth-keepalive-timeout", NginxAnnotationTreatment.Policy, ExtAuthDetail, ExtAuthDetail),
        new("auth-method", NginxAnnotationTreatment.Policy, ExtAuthDetail, ExtAuthDetail),
        new("auth-proxy-set-headers", NginxAnnotationTreatment.Policy, ExtAuthDetail, ExtAuthDetail),
        new("auth-realm", NginxAnnotationTreatment.Policy, "dropped with auth-type", "dropped: Envoy Gateway's basic auth has no realm"),
        new("auth-request-redirect", NginxAnnotationTreatment.Policy, ExtAuthDetail, ExtAuthDetail),
        new("auth-response-headers", NginxAnnotationTreatment.Policy, ExtAuthDetail, "carried: extAuth.http.headersToBackend"),
        new("auth-secret", NginxAnnotationTreatment.Policy, "dropped with auth-type", "approximated with auth-type"),
        new("auth-secret-type", NginxAnnotationTreatment.Policy, "dropped with auth-type", "approximated with auth-type (auth-map is not carried)"),
        new("auth-signin", NginxAnnotationTreatment.Policy, ExtAuthDetail, "dropped: Envoy Gateway's ext-auth does not redirect to a sign-in page on 401"),
        new("auth-signin-redirect-param", NginxAnnotationTreatment.Policy, ExtAuthDetail, ExtAuthDetail),
        new("auth-snippet", NginxAnnotationTreatment.NotCarried, Snippet, Snippet),
        new("auth-tls-error-page", NginxAnnotationTreatment.NotCarried, "dropped: client certificate validation is per listener in Gateway API (Gateway spec.tls.frontend)", "dropped: use a ClientTrafficPolicy tls.clientValidation on the listener"),
        new("auth-tls-match-cn", NginxAnnotationTreatment.NotCarried, "dropped: client certificate validation is per listener in Gateway API (Gateway spec.tls.frontend)", "dropped: use a ClientTrafficPolicy tls.clientValidation on the listener"),
        new("auth-tls-pass-certificate-to-upstream", NginxAnnotationTreatment.NotCarried, "dropped: client certificate validation is per listener in Gateway API (Gateway spec.tls.frontend)", "dropped: use a ClientTrafficPolicy tls.clientValidation on the listener"),
        new("auth-tls-secret", NginxAnnotationTreatment.NotCarried, "dropped: client certificate validation is per listener in Gateway API (Gateway spec.tls.frontend)", "dropped: use a ClientTrafficPolicy tls.clientValidation on the listener"),
        new("auth-tls-verify-client", NginxAnnotationTreatment.NotCarried, "dropped: client certificate validation is per listener in Gateway API (Gateway spec.tls.frontend)", "dropped: use a ClientTrafficPolicy tls.clientValidation on the listener"),
        new("auth-tls-verify-depth", NginxAnnotationTreatment.NotCarried, "dropped: client certificate validation is per listener in Gateway API (Gateway spec.tls.frontend)", "dropped: use a ClientTrafficPolicy tls.clientValidation on the listener"),
        new("auth-type", NginxAnnotationTreatment.Policy, "dropped: authentication has no Gateway API equivalent", "approximated: SecurityPolicy basicAuth (the Secret must hold the htpasswd lines under .htpasswd; ingress-nginx reads them from auth); digest is not carried"),
        new("auth-url", NginxAnnotationTreatment.Policy, "dropped: external authentication has no Gateway API equivalent", "approximated: SecurityPolicy extAuth.http to the Service the URL names (in-cluster URLs only)"),
        new("backend-protocol", NginxAnnotationTreatment.Routing, "GRPC and GRPCS: carried as GRPCRoutes; HTTPS and GRPCS: approximated with a BackendTLSPolicy (it always verifies the backend's certificate, NGINX does not by default); AJP and FCGI: dropped", "as without a profile"),
        new("canary", NginxAnnotationTreatment.Routing, Canary, Canary),
        new("canary-by-cookie", NginxAnnotationTreatment.Routing, Canary, Canary),
        new("canary-by-header", NginxAnnotationTreatment.Routing, Canary, Canary),
        new("canary-by-header-pattern", NginxAnnotationTreatment.Routing, Canary, Canary),
        new("canary-by-header-value", NginxAnnotationTreatment.Routing, Canary, Canary),
        new("canary-weight", NginxAnnotationTreatment.Routing, Canary, Canary),
        new("canary-weight-total", NginxAnnotationTreatment.Routing, Canary, Canary),
        new("client-body-buffer-size", NginxAnnotationTreatment.NoRoutingEffect, Buffering, Buffering),
        new("configuration-snippet", NginxAnnotationTreatment.NotCarried, Snippet, Snippet),
        new("connection-proxy-header", NginxAnnotationTreatment.NoRoutingEffect, Buffering, Buffering),
        new("cors-allow-credentials", NginxAnnotationTreatment.Routing, Cors, Cors),
        new("cors-allow-headers", NginxAnnotationTreatment.Routing, Cors, Cors),
        new("cors-allow-methods", NginxAnnotationTreatment.Routing, Cors, Cors),
        new("cors-allow-origin", NginxAnnotationTreatment.Routing, Cors, Cors),
        new("cors-expose-headers", NginxAnnotationTreatment.Routing, Cors, Cors),
        new("cors-max-age", NginxAnnotationTreatment.Routing, Cors, Cors),
        new("custom-headers", NginxAnnotationTreatment.NotCarried, "dropped: the headers live in a ConfigMap PolicyAttach does not read; add a ResponseHeaderModifier filter", "dropped: add a ResponseHeaderModifier filter"),
        new("custom-http-errors", NginxAnnotationTreatment.NotCarried, "dropped: Gateway API cannot send error responses to another backend", "dropped: BackendTrafficPolicy responseOverride answers with a fixed body, not with the default backend"),
        new("default-backend", NginxAnnotationTreatment.NotCarried, "dropped: Gateway API has no fallback backend for a Service without endpoints (the converted route answers 500 where NGINX would use this Service)", "as without a profile"),
        new("denylist-source-range", NginxAnnotationTreatment.Policy, "dropped: client address deny-lists have no Gateway API equivalent", "carried: SecurityPolicy authorization (deny these CIDRs, allow the rest)"),
        new("disable-proxy-intercept-errors", NginxAnnotationTreatment.NoRoutingEffect, "dropped with custom-http-errors", "dropped with custom-http-errors"),
        new("enable-access-log", NginxAnnotationTreatment.NoRoutingEffect, Observability, Observability),
        new("enable-cors", NginxAnnotationTreatment.Routing, Cors, Cors),
        new("enable-global-auth", NginxAnnotationTreatment.NotCarried, "dropped: global authentication is controller configuration", "dropped: global authentication is controller configuration"),
        new("enable-modsecurity", NginxAnnotationTreatment.NotCarried, "dropped: a web application firewall has no Gateway API equivalent", "dropped: use an EnvoyExtensionPolicy with a WAF filter"),
        new("enable-opentelemetry", NginxAnnotationTreatment.NoRoutingEffect, Observability, Observability),
        new("enable-owasp-core-rules", NginxAnnotationTreatment.NotCarried, "dropped: a web application firewall has no Gateway API equivalent", "dropped: use an EnvoyExtensionPolicy with a WAF filter"),
        new("enable-rewrite-log", NginxAnnotationTreatment.NoRoutingEffect, Observability, Observability),
        new("fastcgi-index", NginxAnnotationTreatment.NotCarried, "dropped: Gateway API does not speak FastCGI", "dropped: Gateway API does not speak FastCGI"),
        new("fastcgi-params-configmap", NginxAnnotationTreatment.NotCarried, "dropped: Gateway API does not speak FastCGI", "dropped: Gateway API does not speak FastCGI"),
        new("force-ssl-redirect", NginxAnnotationTreatment.Routing, "carried: the HTTP listener's rules redirect to https (308); approximated when the path ends in / (NGINX drops the trailing slash unless preserve-trailing-slash)", "as without a profile"),
        new("from-to-www-redirect", NginxAnnotationTreatment.Routing, "carried: an HTTPRoute for the other name that redirects (308) to the host; approximated for paths ending in / (NGINX drops the slash)", "as without a profile"),
        new("http2-push-preload", NginxAnnotationTreatment.NoRoutingEffect, Buffering, Buffering),
        new("limit-allowlist", NginxAnnotationTreatment.Policy, "dropped: rate limits have no Gateway API equivalent", "dropped: exclude clients with rateLimit clientSelectors by hand"),
        new("limit-burst-multiplier", NginxAnnotationTreatment.Policy, "dropped: rate limits have no Gateway API equivalent", "dropped: Envoy's token bucket has no burst multiplier"),
        new("limit-connections", NginxAnnotationTreatment.Policy, "dropped: connection limits have no Gateway API equivalent", "dropped: Envoy Gateway limits connections per backend, not per client"),
        new("limit-rate", NginxAnnotationTreatment.NoRoutingEffect, Buffering, Buffering),
        new("limit-rate-after", NginxAnnotationTreatment.NoRoutingEffect, Buffering, Buffering),
        new("limit-rpm", NginxAnnotationTreatment.Policy, "dropped: rate limits have no Gateway API equivalent", "approximated: BackendTrafficPolicy local rateLimit per minute (NGINX counts per client address, Envoy per proxy)"),
        new("limit-rps", NginxAnnotationTreatment.Policy, "dropped: rate limits have no Gateway API equivalent", "approximated: BackendTrafficPolicy local rateLimit per second (NGINX counts per client address, Envoy per proxy)"),
        new("limit-whitelist", NginxAnnotationTreatment.Policy, "dropped: rate limits have no Gateway API equivalent", "dropped: exclude clients with rateLimit clientSelectors by hand"),
        new("load-balance", NginxAnnotationTreatment.Policy, "dropped: load balancing is implementation configuration", "approximated: BackendTrafficPolicy loadBalancer (round_robin as RoundRobin, ewma as LeastRequest)"),
        new("mirror-host", NginxAnnotationTreatment.NotCarried, "dropped with mirror-target", "dropped with mirror-target"),
        new("mirror-request-body", NginxAnnotationTreatment.NotCarried, "dropped with mirror-target", "dropped with mirror-target"),
        new("mirror-target", NginxAnnotationTreatment.NotCarried, "dropped: RequestMirror needs a Service backendRef, NGINX a URL; add the filter by hand", "as without a profile"),
        new("modsecurity-snippet", NginxAnnotationTreatment.NotCarried, Snippet, Snippet),
        new("modsecurity-transaction-id", NginxAnnotationTreatment.NotCarried, "dropped: a web application firewall has no Gateway API equivalent", "dropped: use an EnvoyExtensionPolicy with a WAF filter"),
        new("opentelemetry-operation-name", NginxAnnotationTreatment.NoRoutingEffect, Observability, Observability),
        new("opentelemetry-trust-incoming-span", NginxAnnotationTreatment.NoRoutingEffect, Observability, Observability),
        new("permanent-redirect", NginxAnnotationTreatment.Routing, "carried: a RequestRedirect with the URL's scheme, host, port and path (code 301, or permanent-redirect-code); the query string is kept where NGINX drops it", "as without a profile"),
        new("permanent-redirect-code", NginxAnnotationTreatment.Routing, "carried with permanent-redirect (Gateway API allows 301, 302, 303, 307 and 308)", "as without a profile"),
        new("preserve-trailing-slash", NginxAnnotationTreatment.Routing, "carried with ssl-redirect", "as without a profile"),
        new("proxy-body-size", NginxAnnotationTreatment.Policy, "dropped: Gateway API has no request size limit", "approximated: BackendTrafficPolicy requestBuffer.limit (Envoy buffers the body to enforce it)"),
        new("proxy-buffer-size", NginxAnnotationTreatment.NoRoutingEffect, Buffering, Buffering),
        new("proxy-buffering", NginxAnnotationTreatment.NoRoutingEffect, Buffering, Buffering),
        new("proxy-buffers-number", NginxAnnotationTreatment.NoRoutingEffect, Buffering, Buffering),
        new("proxy-busy-buffers-size", NginxAnnotationTreatment.NoRoutingEffect, Buffering, Buffering),
        new("proxy-connect-timeout", NginxAnnotationTreatment.Policy, "dropped: Gateway API has no connect timeout", "carried: BackendTrafficPolicy timeout.tcp.connectTimeout"),
        new("proxy-cookie-domain", NginxAnnotationTreatment.NotCarried, "dropped: Gateway API does not rewrite Set-Cookie", "dropped: Gateway API does not rewrite Set-Cookie"),
        new("proxy-cookie-path", NginxAnnotationTreatment.NotCarried, "dropped: Gateway API does not rewrite Set-Cookie", "dropped: Gateway API does not rewrite Set-Cookie"),
        new("proxy-http-version", NginxAnnotationTreatment.NoRoutingEffect, Buffering, Buffering),
        new("proxy-max-temp-file-size", NginxAnnotationTreatment.NoRoutingEffect, Buffering, Buffering),
        new("proxy-next-upstream", NginxAnnotationTreatment.Policy, "dropped: retries are implementation configuration (HTTPRoute retry is experimental)", "approximated: BackendTrafficPolicy retry"),
        new("proxy-next-upstream-timeout", NginxAnnotationTreatment.Policy, "dropped: retries are implementation configuration", "approximated with proxy-next-upstream"),
        new("proxy-next-upstream-tries", NginxAnnotationTreatment.Policy, "dropped: retries are implementation configuration", "approximated: BackendTrafficPolicy retry.numRetries"),
        new("proxy-read-timeout", NginxAnnotationTreatment.NotCarried, "dropped: NGINX times the gap between two reads; Gateway API timeouts bound the whole request, which is not the same", "dropped: Envoy Gateway has no per-read timeout either"),
        new("proxy-redirect-from", NginxAnnotationTreatment.NotCarried, "dropped: Gateway API does not rewrite Location headers of responses", "dropped: Gateway API does not rewrite Location headers of responses"),
        new("proxy-redirect-to", NginxAnnotationTreatment.NotCarried, "dropped: Gateway API does not rewrite Location headers of responses", "dropped: Gateway API does not rewrite Location headers of responses"),
        new("proxy-request-buffering", NginxAnnotationTreatment.NoRoutingEffect, Buffering, Buffering),
        new("proxy-send-timeout", NginxAnnotationTreatment.NotCarried, "dropped: NGINX times the gap between two writes; Gateway API timeouts bound the whole request, which is not the same", "dropped: Envoy Gateway has no per-write timeout either"),
        new("proxy-ssl-ciphers", NginxAnnotationTreatment.NoRoutingEffect, "dropped: BackendTLSPolicy has no cipher list", "dropped: BackendTLSPolicy has no cipher list"),
        new("proxy-ssl-name", NginxAnnotationTreatment.Routing, "carried with backend-protocol HTTPS or GRPCS: BackendTLSPolicy validation.hostname", "as without a profile"),
        new("proxy-ssl-protocols", NginxAnnotationTreatment.NoRoutingEffect, "dropped: BackendTLSPolicy has no protocol list", "dropped: BackendTLSPolicy has no protocol list"),
        new("proxy-ssl-secret", NginxAnnotationTreatment.Routing, "approximated with backend-protocol HTTPS or GRPCS: BackendTLSPolicy needs the CA in a ConfigMap; the client certificate goes to the Gateway's spec.tls.backend", "as without a profile"),
        new("proxy-ssl-server-name", NginxAnnotationTreatment.NoRoutingEffect, "dropped: BackendTLSPolicy always sends the hostname as SNI", "dropped: BackendTLSPolicy always sends the hostname as SNI"),
        new("proxy-ssl-verify", NginxAnnotationTreatment.Routing, "carried with backend-protocol HTTPS or GRPCS (BackendTLSPolicy always verifies)", "as without a profile"),
        new("proxy-ssl-verify-depth", NginxAnnotationTreatment.NoRoutingEffect, "dropped: BackendTLSPolicy has no verify depth", "dropped: BackendTLSPolicy has no verify depth"),
        new("relative-redirects", NginxAnnotationTreatment.NotCarried, "dropped: Gateway API redirects are absolute", "dropped: Gateway API redirects are absolute"),
        new("rewrite-target", NginxAnnotationTreatment.Routing, "carried where Gateway API can express it: URLRewrite ReplaceFullPath (no capture groups) or ReplacePrefixMatch (paths like /api(/|$)(.*) with /$2); otherwise dropped and reported. Its regex paths are matched case-insensitively by NGINX, case-sensitively by PathPrefix", "as without a profile"),
        new("satisfy", NginxAnnotationTreatment.Policy, "dropped with the authentication annotations", "dropped: Envoy Gateway applies every configured check"),
        new("server-alias", NginxAnnotationTreatment.Routing, "carried: more hostnames on the routes and listeners", "as without a profile"),
        new("server-snippet", NginxAnnotationTreatment.NotCarried, Snippet, Snippet),
        new("service-upstream", NginxAnnotationTreatment.NoRoutingEffect, "dropped: implementations choose endpoints or the cluster IP themselves", "dropped: implementations choose endpoints or the cluster IP themselves"),
        new("session-cookie-change-on-failure", NginxAnnotationTreatment.Policy, Affinity, AffinityEg),
        new("session-cookie-conditional-samesite-none", NginxAnnotationTreatment.Policy, Affinity, AffinityEg),
        new("session-cookie-domain", NginxAnnotationTreatment.Policy, Affinity, AffinityEg),
        new("session-cookie-expires", NginxAnnotationTreatment.Policy, Affinity, AffinityEg),
        new("session-cookie-max-age", NginxAnnotationTreatment.Policy, Affinity, AffinityEg),
        new("session-cookie-name", NginxAnnotationTreatment.Policy, Affinity, AffinityEg),
        new("session-cookie-path", NginxAnnotationTreatment.Policy, Affinity, AffinityEg),
        new("session-cookie-samesite", NginxAnnotationTreatment.Policy, Affinity, AffinityEg),
        new("session-cookie-secure", NginxAnnotationTreatment.Policy, Affinity, AffinityEg),
        new("ssl-ciphers", NginxAnnotationTreatment.NoRoutingEffect, "dropped: TLS settings of listeners are implementation configuration", "dropped: use a ClientTrafficPolicy tls.ciphers"),
        new("ssl-passthrough", NginxAnnotationTreatment.NotCarried, "dropped: use a TLS listener in Passthrough mode and a TLSRoute by hand", "as without a profile"),
        new("ssl-prefer-server-ciphers", NginxAnnotationTreatment.NoRoutingEffect, "dropped: TLS settings of listeners are implementation configuration", "dropped: TLS settings of listeners are implementation configuration"),
        new("ssl-redirect", NginxAnnotationTreatment.Routing, "carried: on a host with a certificate, the HTTP listener's rules redirect to https (308) and the HTTPS listener serves; approximated when the path ends in / (NGINX drops the trailing slash unless preserve-trailing-slash)", "as without a profile"),
        new("stream-snippet", NginxAnnotationTreatment.NotCarried, Snippet, Snippet),
        new("temporal-redirect", NginxAnnotationTreatment.Routing, "carried: a RequestRedirect (code 302, or temporal-redirect-code); the query string is kept where NGINX drops it", "as without a profile"),
        new("temporal-redirect-code", NginxAnnotationTreatment.Routing, "carried with temporal-redirect", "as without a profile"),
        new("upstream-hash-by", NginxAnnotationTreatment.Policy, "dropped: load balancing is implementation configuration", "approximated: BackendTrafficPolicy loadBalancer ConsistentHash (client address, a header or a cookie)"),
        new("upstream-hash-by-subset", NginxAnnotationTreatment.Policy, "dropped: load balancing is implementation configuration", "dropped: Envoy has no subset hashing"),
        new("upstream-hash-by-subset-size", NginxAnnotationTreatment.Policy, "dropped: load balancing is implementation configuration", "dropped: Envoy has no subset hashing"),
        new("upstream-vhost", NginxAnnotationTreatment.Routing, "carried: URLRewrite hostname", "as without a profile"),
        new("use-port-in-redirects", NginxAnnotationTreatment.NotCarried, "dropped: Gateway API redirects name the port only when it is not the scheme's", "as without a profile"),
        new("use-regex", NginxAnnotationTreatment.Routing, "carried through the paths: prefix-shaped expressions become PathPrefix or Exact, others implementation-specific RegularExpression; approximated, because NGINX matches them case-insensitively and as string prefixes", "as without a profile"),
        new("whitelist-source-range", NginxAnnotationTreatment.Policy, "dropped: client address allow-lists have no Gateway API equivalent", "carried: SecurityPolicy authorization (allow these CIDRs, deny the rest) on the converted rules"),
        new("x-forwarded-prefix", NginxAnnotationTreatment.Routing, "carried: a RequestHeaderModifier that sets X-Forwarded-Prefix (NGINX sets it only with rewrite-target)", "as without a profile"),
    ];

    private static readonly Dictionary<string, NginxAnnotationInfo> ByName = All.ToDictionary(a => a.Name, StringComparer.Ordinal);

    /// <summary>The entry of an annotation (name without prefix), or null when ingress-nginx does not read it.</summary>
    /// <param name="name">The name without the prefix.</param>
    /// <returns>The entry.</returns>
    public static NginxAnnotationInfo? Find(string name) => ByName.GetValueOrDefault(Guard.NotNull(name));
}
