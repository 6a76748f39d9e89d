using PolicyAttach.Collections;
using PolicyAttach.Diagnostics;
using PolicyAttach.Model;
using static PolicyAttach.Manifests.CommonReaders;

namespace PolicyAttach.Manifests;

/// <summary>GatewayClass, Gateway, ListenerSet and ReferenceGrant (spec digest §2.2–§2.4, §2.8, §3).</summary>
internal static partial class KindReaders
{
    static partial void RegisterGateways(Dictionary<GroupKind, KindEntry> entries)
    {
        entries[Kinds.GatewayClass] = new(["v1", "v1beta1"], false, ReadGatewayClass);
        entries[Kinds.Gateway] = new(["v1", "v1beta1"], true, ReadGateway);
        entries[Kinds.ListenerSet] = new(["v1"], true, ReadListenerSet);
        entries[Kinds.XListenerSet] = new(["v1alpha1"], true, ReadXListenerSet);
        entries[Kinds.ReferenceGrant] = new(["v1", "v1beta1"], true, ReadReferenceGrant);
    }

    private static GatewayClass ReadGatewayClass(Node root, ObjectHeader header)
    {
        var spec = root["spec"];
        var controller = RequiredString(spec, "controllerName");
        if (controller.Length > 0 && !Patterns.IsDomainPrefixedPath(controller))
        {
            spec["controllerName"].Error(DiagnosticCodes.SchemaViolation, $"controllerName \"{controller}\" must be a domain-prefixed path such as example.com/gateway-controller.");
        }

        ParametersReference? parameters = null;
        var p = spec["parametersRef"];
        if (p.IsObject())
        {
            parameters = new ParametersReference(p.String("group") ?? string.Empty, RequiredString(p, "kind"), RequiredString(p, "name"), p.String("namespace"));
        }

        var description = spec.String("description");
        if (description is { Length: > 64 })
        {
            spec["description"].Error(DiagnosticCodes.SchemaViolation, "description must be at most 64 characters.");
        }

        return new GatewayClass { ApiVersion = header.ApiVersion, Metadata = header.Metadata, ControllerName = controller, ParametersRef = parameters, Description = description };
    }

    private static Gateway ReadGateway(Node root, ObjectHeader header)
    {
        var spec = root["spec"];
        var className = RequiredString(spec, "gatewayClassName");
        var listeners = ReadListeners(spec, header.Namespace, "listeners");
        CheckMax(spec, "addresses", 16);
        var addresses = spec.List("addresses", a => new GatewayAddress(a.String("type") ?? "IPAddress", a.String("value")));
        CheckUniqueAddresses(spec, addresses);

        GatewayInfrastructure? infrastructure = null;
        var infra = spec["infrastructure"];
        if (infra.IsObject())
        {
            CheckMax(infra, "labels", 8);
            CheckMax(infra, "annotations", 16);
            infrastructure = new GatewayInfrastructure
            {
                Labels = infra.Map("labels"),
                Annotations = infra.Map("annotations"),
                ParametersRef = infra.Has("parametersRef") ? ReadLocalRef(infra["parametersRef"]) : null,
            };
        }

        var allowed = AllowedListeners.Default;
        var namespaces = spec["allowedListeners"]["namespaces"];
        if (namespaces.IsObject())
        {
            var from = namespaces.String("from") ?? FromNamespaces.None;
            CheckEnum(namespaces["from"], from, FromNamespaces.All, FromNamespaces.Same, FromNamespaces.Selector, FromNamespaces.None);
            allowed = new AllowedListeners
            {
                NamespacesFrom = from,
                Selector = namespaces.Has("selector") ? ReadLabelSelector(namespaces["selector"]) : null,
            };
        }

        return new Gateway
        {
            ApiVersion = header.ApiVersion,
            Metadata = header.Metadata,
            GatewayClassName = className,
            Listeners = listeners,
            Addresses = addresses,
            Infrastructure = infrastructure,
            AllowedListeners = allowed,
            Tls = ReadGatewayTls(spec["tls"], header.Namespace),
            DefaultScope = spec.String("defaultScope"),
        };
    }

    private static ListenerSet ReadListenerSet(Node root, ObjectHeader header)
    {
        var spec = root["spec"];
        var parent = spec["parentRef"];
        if (!parent.Exists)
        {
            parent.Required();
        }

        var parentRef = ReadParentRef(parent, header.Namespace);
        return new ListenerSet
        {
            ApiVersion = header.ApiVersion,
            Metadata = header.Metadata,
            ParentRef = parentRef,
            Listeners = ReadListeners(spec, header.Namespace, "listeners"),
        };
    }

    /// <summary>
    /// An XListenerSet (the experimental channel's name before GEP-1713 graduated) has ListenerSet's fields: it is read
    /// as a ListenerSet, so its listeners and the routes that name it are evaluated, with a warning naming the
    /// graduated kind. Its status is written as the ListenerSet's.
    /// </summary>
    private static ListenerSet ReadXListenerSet(Node root, ObjectHeader header)
    {
        root["kind"].Warning(DiagnosticCodes.GraduatedKind, $"{Kinds.XListenerSet.Kind} ({Kinds.XListenerSet.Group}) graduated as {Kinds.ListenerSet.Kind} in {Kinds.ListenerSet.Group}/v1: it is read as a {Kinds.ListenerSet.Kind}, and its status is written as one. Change apiVersion to {Kinds.ListenerSet.Group}/v1 and kind to {Kinds.ListenerSet.Kind} (and parentRefs that name it to group {Kinds.ListenerSet.Group}, kind {Kinds.ListenerSet.Kind}).");
        return ReadListenerSet(root, header) with { ApiVersion = Kinds.ListenerSet.Group + "/v1" };
    }

    private static ReferenceGrant ReadReferenceGrant(Node root, ObjectHeader header)
    {
        var spec = root["spec"];
        CheckCount(spec, "from", 1, 16);
        CheckCount(spec, "to", 1, 16);
        return new ReferenceGrant
        {
            ApiVersion = header.ApiVersion,
            Metadata = header.Metadata,
            From = spec.List("from", f => new ReferenceGrantFrom(f.String("group") ?? RequiredString(f, "group"), RequiredString(f, "kind"), RequiredString(f, "namespace"))),
            To = spec.List("to", t => new ReferenceGrantTo(t.String("group") ?? RequiredString(t, "group"), RequiredString(t, "kind"), string.IsNullOrEmpty(t.String("name")) ? null : t.String("name"))),
        };
    }

    private static EquatableArray<Listener> ReadListeners(Node spec, string localNamespace, string field)
    {
        CheckCount(spec, field, 1, 64);
        var listeners = spec.List(field, l => ReadListener(l, localNamespace));
        var names = new HashSet<string>(StringComparer.Ordinal);
        var combinations = new HashSet<(int, string, string)>();
        var i = 0;
        foreach (var listener in listeners)
        {
            var node = spec[field];
            var path = $"{node.Path}[{i}]";
            if (!names.Add(listener.Name))
            {
                spec.Context.Error(DiagnosticCodes.CelViolation, path + ".name", $"Listener name must be unique within the Gateway: \"{listener.Name}\" appears twice. Rename one listener.");
            }

            if (!combinations.Add((listener.Port, listener.Protocol, listener.Hostname ?? string.Empty)))
            {
                spec.Context.Error(DiagnosticCodes.CelViolation, path, $"Combination of port, protocol and hostname must be unique for each listener: listener \"{listener.Name}\" repeats port {listener.Port}, {listener.Protocol}, hostname \"{listener.Hostname}\".");
            }

            i++;
        }

        return listeners;
    }

    private static Listener ReadListener(Node node, string localNamespace)
    {
        var name = RequiredString(node, "name");
        if (name.Length > 0 && !Patterns.IsSubdomain(name))
        {
            node["name"].Error(DiagnosticCodes.SchemaViolation, $"listener name \"{name}\" must be a lowercase DNS subdomain.");
        }

        var port = node.Int32("port");
        if (port is null)
        {
            node["port"].Required();
        }
        else if (port is < 1 or > 65535)
        {
            node["port"].Error(DiagnosticCodes.SchemaViolation, $"port {port} is out of range; use 1 to 65535.");
        }

        var protocol = RequiredString(node, "protocol");
        if (protocol.Length > 0 && !Patterns.IsProtocol(protocol))
        {
            node["protocol"].Error(DiagnosticCodes.SchemaViolation, $"protocol \"{protocol}\" is not a protocol name: use HTTP, HTTPS, TLS, TCP, UDP or a domain-prefixed protocol such as example.com/proto.");
        }

        var hostname = node.String("hostname");
        CheckHostname(node["hostname"], hostname);

        ListenerTls? tls = null;
        var tlsNode = node["tls"];
        if (tlsNode.IsObject())
        {
            CheckMax(tlsNode, "certificateRefs", 64);
            CheckMax(tlsNode, "options", 16);
            var mode = tlsNode.String("mode") ?? TlsModes.Terminate;
            CheckEnum(tlsNode["mode"], mode, TlsModes.Terminate, TlsModes.Passthrough);
            tls = new ListenerTls
            {
                Mode = mode,
                CertificateRefs = tlsNode.List("certificateRefs", c => ReadObjectRef(c, localNamespace)),
                Options = tlsNode.Map("options"),
            };
            if (mode == TlsModes.Terminate && tls.CertificateRefs.IsEmpty && tls.Options.Count == 0)
            {
                tlsNode.Error(DiagnosticCodes.CelViolation, "certificateRefs or options must be specified when mode is Terminate.");
            }
        }

        if (protocol is Protocols.Http or Protocols.Tcp or Protocols.Udp && tlsNode.Exists)
        {
            tlsNode.Error(DiagnosticCodes.CelViolation, "tls must not be specified for protocols ['HTTP', 'TCP', 'UDP'].");
        }

        if (protocol == Protocols.Https && tls is not null && tls.Mode != TlsModes.Terminate)
        {
            tlsNode["mode"].Error(DiagnosticCodes.CelViolation, "tls mode must be Terminate for protocol HTTPS.");
        }

        if (protocol == Protocols.Tls && tls is null)
        {
            tlsNode.Error(DiagnosticCodes.CelViolation, "tls mode must be set for protocol TLS.");
        }

        if (protocol is Protocols.Tcp or Protocols.Udp && hostname is not null)
        {
            node["hostname"].Error(DiagnosticCodes.CelViolation, "hostname must not be specified for protocols ['TCP', 'UDP'].");
        }

        return new Listener
        {
            Name = name,
            Hostname = hostname,
            Port = port ?? 0,
            Protocol = protocol,
            Tls = tls,
            AllowedRoutes = ReadAllowedRoutes(node["allowedRoutes"]),
        };
    }

    private static AllowedRoutes ReadAllowedRoutes(Node node)
    {
        if (!node.IsObject())
        {
            return AllowedRoutes.Default;
        }

        var namespaces = node["namespaces"];
        var from = namespaces.String("from") ?? FromNamespaces.Same;
        CheckEnum(namespaces["from"], from, FromNamespaces.All, FromNamespaces.Same, FromNamespaces.Selector);
        CheckMax(node, "kinds", 8);
        return new AllowedRoutes
        {
            NamespacesFrom = from,
            Selector = namespaces.Has("selector") ? ReadLabelSelector(namespaces["selector"]) : null,
            Kinds = node.List("kinds", k => new RouteGroupKind(k.String("group") ?? Groups.Gateway, RequiredString(k, "kind"))),
        };
    }

    private static GatewayTls? ReadGatewayTls(Node node, string localNamespace)
    {
        if (!node.IsObject())
        {
            return null;
        }

        var backend = node["backend"]["clientCertificateRef"];
        var frontend = node["frontend"];
        CheckMax(frontend, "perPort", 64);
        var perPort = frontend.List("perPort", p => new PerPortValidation(p.Int32("port") ?? 0, ReadValidation(p["tls"]["validation"], localNamespace)));
        var ports = new HashSet<int>();
        foreach (var p in perPort)
        {
            if (!ports.Add(p.Port))
            {
                frontend["perPort"].Error(DiagnosticCodes.CelViolation, $"Port for TLS configuration must be unique within the Gateway: port {p.Port} appears twice.");
            }
        }

        return new GatewayTls
        {
            BackendClientCertificateRef = backend.IsObject() ? ReadObjectRef(backend, localNamespace) : null,
            DefaultValidation = ReadValidation(frontend["default"]["validation"], localNamespace),
            PerPort = perPort,
        };
    }

    private static FrontendValidation? ReadValidation(Node node, string localNamespace)
    {
        if (!node.IsObject())
        {
            return null;
        }

        CheckCount(node, "caCertificateRefs", 1, 16);
        var mode = node.String("mode") ?? "AllowValidOnly";
        CheckEnum(node["mode"], mode, "AllowValidOnly", "AllowInsecureFallback");
        return new FrontendValidation
        {
            CaCertificateRefs = node.List("caCertificateRefs", c => ReadObjectRef(c, localNamespace, defaultKind: Kinds.ConfigMap.Kind)),
            Mode = mode,
        };
    }

    private static void CheckUniqueAddresses(Node spec, EquatableArray<GatewayAddress> addresses)
    {
        var seen = new HashSet<(string, string)>();
        foreach (var address in addresses)
        {
            if (address.Value is not null && address.Type is "IPAddress" or "Hostname" && !seen.Add((address.Type, address.Value)))
            {
                spec["addresses"].Error(DiagnosticCodes.CelViolation, $"{address.Type} values must be unique: \"{address.Value}\" appears twice.");
            }
        }
    }

    private static void CheckCount(Node parent, string name, int min, int max)
    {
        var count = parent.Count(name);
        if (count < min)
        {
            parent[name].Error(DiagnosticCodes.RequiredField, $"{name} needs at least {min} entr{(min == 1 ? "y" : "ies")}.");
        }

        CheckMax(parent, name, max);
    }

    private static void CheckEnum(Node node, string value, params string[] allowed)
    {
        if (node.Exists && !allowed.Contains(value, StringComparer.Ordinal))
        {
            node.Error(DiagnosticCodes.SchemaViolation, $"\"{value}\" is not one of {string.Join(", ", allowed)}.");
        }
    }
}
