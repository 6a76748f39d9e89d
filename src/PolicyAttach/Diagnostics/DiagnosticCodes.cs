namespace PolicyAttach.Diagnostics;

/// <summary>
/// The stable codes of every diagnostic PolicyAttach emits. <c>docs/diagnostics.md</c> explains each with its fix.
/// PA1xxx: reading input; PA2xxx: schema and CEL validation; PA3xxx: evaluation.
/// </summary>
public static class DiagnosticCodes
{
    /// <summary>The YAML or JSON text is malformed; the document is skipped.</summary>
    public const string MalformedDocument = "PA1001";

    /// <summary>A document is not a Kubernetes object (no mapping, no apiVersion or no kind).</summary>
    public const string NotAnObject = "PA1002";

    /// <summary><c>metadata.name</c> is missing or empty; the object is dropped.</summary>
    public const string MissingName = "PA1003";

    /// <summary>A field has the wrong JSON type; the field is ignored.</summary>
    public const string WrongType = "PA1004";

    /// <summary>The apiVersion is not served for a known kind; the object is dropped.</summary>
    public const string UnservedVersion = "PA1005";

    /// <summary>Two objects share group, kind, namespace and name; the later one wins.</summary>
    public const string DuplicateObject = "PA1006";

    /// <summary>A timestamp or quantity could not be parsed; the default is used.</summary>
    public const string BadValue = "PA1007";

    /// <summary>A path given on the command line cannot be read.</summary>
    public const string UnreadablePath = "PA1008";

    /// <summary>A mapping has the same key twice; the later value wins, as most YAML readers leave it.</summary>
    public const string DuplicateKey = "PA1009";

    /// <summary>
    /// A mapping with neither <c>apiVersion</c> nor <c>kind</c> (a Helm values file, a <c>package.json</c>): not a
    /// Kubernetes object, skipped with an info note.
    /// </summary>
    public const string NotKubernetes = "PA1010";

    /// <summary>A kustomize <c>Kustomization</c> file: skipped with an info note pointing at <c>-k DIR</c>.</summary>
    public const string Kustomization = "PA1011";

    /// <summary>
    /// An experimental kind that graduated under another name (<c>XListenerSet</c>, now <c>ListenerSet</c>): read as
    /// the graduated kind, with a warning naming it.
    /// </summary>
    public const string GraduatedKind = "PA1012";

    /// <summary>Reading a cluster: the credentials may not list a kind; the message names the permission, and the rest is evaluated.</summary>
    public const string ClusterForbidden = "PA1013";

    /// <summary>Reading a cluster: a kind could not be listed within the bounded retries (timeouts, 429, 5xx); the rest is evaluated.</summary>
    public const string ClusterRequestFailed = "PA1014";

    /// <summary>Reading a cluster: a list request succeeded after a retry (info).</summary>
    public const string ClusterRetried = "PA1015";

    /// <summary>A required field is missing; the object is dropped as the API server would refuse it.</summary>
    public const string RequiredField = "PA2001";

    /// <summary>A value does not match its schema pattern, enum or range; the object is dropped.</summary>
    public const string SchemaViolation = "PA2002";

    /// <summary>A CEL rule of the CRD is broken; the object is dropped.</summary>
    public const string CelViolation = "PA2003";

    /// <summary>A list has more entries than the schema allows; the object is dropped.</summary>
    public const string TooMany = "PA2004";

    /// <summary>
    /// A value the CRD enum does not list, kept because a controller reports it in status
    /// (<c>Accepted=False/UnsupportedValue</c>) rather than the API server refusing the object.
    /// </summary>
    public const string UnsupportedValue = "PA2006";

    /// <summary>A namespaced kind has no namespace; it is read as in <c>default</c>, as kubectl would place it.</summary>
    public const string DefaultNamespace = "PA2005";
}
