namespace PolicyAttach.Binding;

/// <summary>How the binding stage writes the conditions of Gateways, ListenerSets, listeners and route parents.</summary>
public enum BindingConvention
{
    /// <summary>As the spec digest draws them (§5, §6, §7): every listener carries Accepted, Programmed, ResolvedRefs and Conflicted.</summary>
    Spec,

    /// <summary>
    /// As Envoy Gateway writes them: a Gateway listener carries <c>Conflicted</c> only when True, and an invalid
    /// listener carries no <c>Accepted</c> unless the error is an Accepted reason (its own validations, such as a
    /// missing namespace selector or certificate refs on a Passthrough listener, give <c>Programmed=False/Invalid</c>);
    /// routes still attach to a conflicted or invalid listener; a ListenerSet listener that fails says
    /// <c>Programmed=False/ListenersNotValid</c>; the Gateway carries <c>Accepted</c> from its listeners,
    /// <c>Programmed</c> from its proxy (True: the proxy runs) and <c>ResolvedRefs</c> only for its own references; a
    /// backendRef port the Service lacks is <c>PortNotFound</c>.
    /// </summary>
    EnvoyGateway,
}
