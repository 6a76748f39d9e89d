using PolicyAttach.Cli.Explain;

namespace PolicyAttach.Cli.Describe;

/// <summary>
/// Narrows a <c>describe</c> tree to the objects <c>-n</c>/<c>-l</c> keep. A node stays when its object is kept or
/// when something below it is (so a route of the namespace is still shown under its Gateway and listener from
/// another namespace); the routes under a listener are only the kept ones; refused routes and Ingresses are kept by
/// their own object. Nothing is re-evaluated: conditions and counts are those of the whole input.
/// </summary>
internal static class DescribeNarrowing
{
    /// <summary>Narrows the report.</summary>
    /// <param name="report">The whole report.</param>
    /// <param name="keep">Whether an object is kept.</param>
    /// <returns>The narrowed report.</returns>
    public static DescribeReport Apply(DescribeReport report, Func<ObjectRef, bool> keep)
    {
        var classes = new List<DescribeClass>();
        foreach (var cls in report.GatewayClasses)
        {
            var gateways = new List<DescribeGateway>();
            foreach (var gateway in cls.Gateways)
            {
                var gatewayKept = keep(gateway.Object);
                var listeners = Listeners(gateway.Listeners, gatewayKept, keep);
                var sets = new List<DescribeListenerSet>();
                foreach (var set in gateway.ListenerSets)
                {
                    var setKept = keep(set.Object);
                    var setListeners = Listeners(set.Listeners, setKept, keep);
                    if (setKept || setListeners.Count > 0)
                    {
                        sets.Add(set with { Listeners = setListeners });
                    }
                }

                if (gatewayKept || listeners.Count > 0 || sets.Count > 0)
                {
                    gateways.Add(gateway with { Listeners = listeners, ListenerSets = sets });
                }
            }

            if (keep(cls.Object) || gateways.Count > 0)
            {
                classes.Add(cls with { Gateways = gateways });
            }
        }

        return report with
        {
            GatewayClasses = classes,
            RefusedRoutes = [.. report.RefusedRoutes.Where(r => keep(r.Object))],
            MeshRoutes = report.MeshRoutes?.Where(r => keep(r.Object)).ToList() is { Count: > 0 } mesh ? mesh : null,
            Ingresses = [.. report.Ingresses.Where(i => keep(i.Object))],
            IngressProblems = [.. report.IngressProblems.Where(p => p.Subject is null || keep(p.Subject))],
        };
    }

    /// <summary>The listeners with only their kept routes; a listener stays when its owner is kept or it holds a kept route.</summary>
    private static List<DescribeListener> Listeners(IReadOnlyList<DescribeListener> listeners, bool ownerKept, Func<ObjectRef, bool> keep)
        => [.. listeners
            .Select(l => l with { Routes = [.. l.Routes.Where(r => keep(r.Object))] })
            .Where(l => ownerKept || l.Routes.Count > 0)];
}
