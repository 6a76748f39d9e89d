using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using PolicyAttach.Collections;
using PolicyAttach.Diagnostics;
using PolicyAttach.Model;
using static PolicyAttach.Manifests.CommonReaders;

namespace PolicyAttach.Manifests;

/// <summary>Core and networking.k8s.io kinds: Service, Namespace, Secret, ConfigMap, Ingress, IngressClass.</summary>
internal static partial class KindReaders
{
    private const string NamespaceNameLabel = "kubernetes.io/metadata.name";

    static partial void RegisterCore(Dictionary<GroupKind, KindEntry> entries)
    {
        entries[Kinds.Service] = new(["v1"], true, ReadService);
        entries[Kinds.Namespace] = new(["v1"], false, ReadNamespace);
        entries[Kinds.Secret] = new(["v1"], true, ReadSecret);
        entries[Kinds.ConfigMap] = new(["v1"], true, ReadConfigMap);
        entries[Kinds.Ingress] = new(["v1"], true, ReadIngress);
        entries[Kinds.IngressClass] = new(["v1"], false, ReadIngressClass);
    }

    private static Service ReadService(Node root, ObjectHeader header)
    {
        var spec = root["spec"];
        var ports = spec.List("ports", p =>
        {
            var port = p.Int32("port");
            if (port is null)
            {
                p["port"].Required();
            }

            var target = p["targetPort"];
            return new ServicePort
            {
                Name = p.String("name"),
                Port = port ?? 0,
                Protocol = p.String("protocol") ?? "TCP",
                AppProtocol = p.String("appProtocol"),
                TargetPort = target.Kind == System.Text.Json.JsonValueKind.Number ? target.RawText : target.AsString(),
            };
        });
        return new Service
        {
            ApiVersion = header.ApiVersion,
            Metadata = header.Metadata,
            Type = spec.String("type") ?? "ClusterIP",
            ClusterIP = spec.String("clusterIP"),
            ExternalName = spec.String("externalName"),
            Ports = ports,
            Selector = spec.Map("selector"),
        };
    }

    private static Namespace ReadNamespace(Node root, ObjectHeader header)
    {
        // The API server labels every Namespace with its own name; selectors written against it must match here too.
        var labels = header.Metadata.Labels;
        if (!labels.ContainsKey(NamespaceNameLabel))
        {
            labels = StringMap.Create(labels.Append(new(NamespaceNameLabel, header.Metadata.Name)));
        }

        return new Namespace { ApiVersion = header.ApiVersion, Metadata = header.Metadata with { Labels = labels } };
    }

    private static Secret ReadSecret(Node root, ObjectHeader header)
    {
        var values = ReadData(root, "data", base64: true, secret: true);
        foreach (var pair in ReadData(root, "stringData", base64: false, secret: true))
        {
            values[pair.Key] = pair.Value;
        }

        bool? tlsValid = null;
        if (values.TryGetValue("tls.crt", out var crt) && values.TryGetValue("tls.key", out var key))
        {
            tlsValid = crt is not null && key is not null && IsCertificateWithKey(crt, key);
        }

        return new Secret
        {
            ApiVersion = header.ApiVersion,
            Metadata = header.Metadata,
            Type = root.String("type") ?? "Opaque",
            Keys = values.Keys.Order(StringComparer.Ordinal).ToEquatableArray(),
            TlsCertificateValid = tlsValid,
            CaCertificateValid = values.TryGetValue("ca.crt", out var ca) ? ca is not null && IsCertificateBundle(ca) : null,
        };
    }

    private static ConfigMap ReadConfigMap(Node root, ObjectHeader header)
    {
        var values = ReadData(root, "data", base64: false);
        foreach (var pair in ReadData(root, "binaryData", base64: true))
        {
            values[pair.Key] = pair.Value;
        }

        return new ConfigMap
        {
            ApiVersion = header.ApiVersion,
            Metadata = header.Metadata,
            Keys = values.Keys.Order(StringComparer.Ordinal).ToEquatableArray(),
            CaCertificateValid = values.TryGetValue("ca.crt", out var ca) ? ca is not null && IsCertificateBundle(ca) : null,
        };
    }

    /// <summary>
    /// Reads a data map; values stay in memory only long enough to check certificates, and are never kept. A Secret's
    /// values are never repeated in a diagnostic, however they are written (<see cref="Node.AsSecretString"/>).
    /// </summary>
    private static Dictionary<string, string?> ReadData(Node root, string field, bool base64, bool secret = false)
    {
        var result = new Dictionary<string, string?>(StringComparer.Ordinal);
        var node = root[field];
        if (!node.IsObject())
        {
            return result;
        }

        foreach (var name in node.FieldNames())
        {
            var text = secret ? node[name].AsSecretString() : node[name].AsString();
            if (text is null || !base64)
            {
                result[name] = text;
                continue;
            }

            try
            {
                result[name] = Encoding.UTF8.GetString(Convert.FromBase64String(text));
            }
            catch (FormatException)
            {
                node[name].Error(DiagnosticCodes.SchemaViolation, $"the value of {field}.{name} is not valid base64; the API server would refuse this object.");
                result[name] = null;
            }
        }

        return result;
    }

    private static bool IsCertificateWithKey(string certificatePem, string keyPem)
    {
        try
        {
            using var certificate = X509Certificate2.CreateFromPem(certificatePem, keyPem);
            return certificate.HasPrivateKey;
        }
        catch (CryptographicException)
        {
            return false;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static bool IsCertificateBundle(string pem)
    {
        try
        {
            var collection = new X509Certificate2Collection();
            collection.ImportFromPem(pem);
            var any = collection.Count > 0;
            foreach (var certificate in collection)
            {
                certificate.Dispose();
            }

            return any;
        }
        catch (CryptographicException)
        {
            return false;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static Ingress ReadIngress(Node root, ObjectHeader header)
    {
        var spec = root["spec"];
        var rules = spec.List("rules", r => new IngressRule(
            r.String("host"),
            r["http"].List("paths", p =>
            {
                var pathType = p.String("pathType");
                if (pathType is null)
                {
                    p["pathType"].Required();
                }
                else if (pathType is not ("Exact" or "Prefix" or "ImplementationSpecific"))
                {
                    p["pathType"].Error(DiagnosticCodes.SchemaViolation, $"pathType \"{pathType}\" is not Exact, Prefix or ImplementationSpecific.");
                }

                return new IngressPath(p.String("path") ?? "/", pathType ?? "ImplementationSpecific", ReadIngressBackend(p["backend"]));
            })));
        return new Ingress
        {
            ApiVersion = header.ApiVersion,
            Metadata = header.Metadata,
            IngressClassName = spec.String("ingressClassName"),
            DefaultBackend = spec.Has("defaultBackend") ? ReadIngressBackend(spec["defaultBackend"]) : null,
            Rules = rules,
            Tls = spec.List("tls", t => new IngressTls(t.Strings("hosts"), t.String("secretName"))),
        };
    }

    private static IngressBackend ReadIngressBackend(Node node)
    {
        var service = node["service"];
        if (service.IsObject())
        {
            var port = service["port"];
            return new IngressBackend { ServiceName = RequiredString(service, "name"), ServicePortNumber = port.Int32("number"), ServicePortName = port.String("name") };
        }

        var resource = node["resource"];
        if (resource.IsObject())
        {
            return new IngressBackend { Resource = new LocalObjectReference(resource.String("apiGroup") ?? Groups.Core, RequiredString(resource, "kind"), RequiredString(resource, "name")) };
        }

        node.Error(DiagnosticCodes.RequiredField, "an Ingress backend needs service or resource.");
        return new IngressBackend();
    }

    private static IngressClass ReadIngressClass(Node root, ObjectHeader header)
    {
        var spec = root["spec"];
        var p = spec["parameters"];
        return new IngressClass
        {
            ApiVersion = header.ApiVersion,
            Metadata = header.Metadata,
            Controller = spec.String("controller"),
            Parameters = p.IsObject() ? new ParametersReference(p.String("apiGroup") ?? Groups.Core, RequiredString(p, "kind"), RequiredString(p, "name"), p.String("namespace")) : null,
        };
    }
}
