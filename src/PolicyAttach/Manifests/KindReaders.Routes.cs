using PolicyAttach.Model;

namespace PolicyAttach.Manifests;

/// <summary>The route kinds and the API versions each serves (standard and experimental channels together).</summary>
internal static partial class KindReaders
{
    static partial void RegisterRoutes(Dictionary<GroupKind, KindEntry> entries)
    {
        entries[Kinds.HttpRoute] = new KindEntry(["v1", "v1beta1"], true, RouteReader.ReadHttpRoute);
        entries[Kinds.GrpcRoute] = new KindEntry(["v1"], true, RouteReader.ReadGrpcRoute);

        // v1alpha2/v1alpha3 are only served by the experimental CRDs, but upstream conformance manifests still use them.
        entries[Kinds.TlsRoute] = new KindEntry(["v1", "v1alpha2", "v1alpha3"], true, RouteReader.ReadTlsRoute);
        entries[Kinds.TcpRoute] = new KindEntry(["v1", "v1alpha2"], true, RouteReader.ReadTcpRoute);
        entries[Kinds.UdpRoute] = new KindEntry(["v1", "v1alpha2"], true, RouteReader.ReadUdpRoute);
    }
}
