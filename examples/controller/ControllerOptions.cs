namespace PolicyAttach.Examples.Controller;

/// <summary>The example controller's command line: flags first, environment variables (as a Deployment sets them) second.</summary>
internal sealed record ControllerOptions
{
    public const string Usage = """
        usage: policyattach-example-controller [--controller-name NAME] [--profile NAME] [--kubeconfig PATH] [--context NAME]
                                               [--lease-namespace NS] [--lease-name NAME] [--identity ID] [--no-leader-election]

          --controller-name NAME   The GatewayClass controllerName to act for (default: example.com/gateway-controller).
          --profile NAME           An implementation profile (envoy-gateway); default POLICYATTACH_PROFILE.
          --kubeconfig PATH        The kubeconfig (default: KUBECONFIG, ~/.kube/config, then the in-cluster service account).
          --context NAME           The kubeconfig context (default: its current-context).
          --lease-namespace NS     The namespace of the leader-election Lease (default: POD_NAMESPACE, else default).
          --lease-name NAME        The Lease's name (default: policyattach-example-controller).
          --identity ID            This replica's name in the Lease (default: POD_NAME, else HOSTNAME, else the machine name).
          --no-leader-election     Work without a Lease (one replica only; for local runs).
        """;

    public string ControllerName { get; init; } = "example.com/gateway-controller";

    public string? Profile { get; init; }

    public string? Kubeconfig { get; init; }

    public string? Context { get; init; }

    public string LeaseNamespace { get; init; } = "default";

    public string LeaseName { get; init; } = "policyattach-example-controller";

    public string Identity { get; init; } = Environment.MachineName;

    public bool LeaderElection { get; init; } = true;

    public bool Help { get; init; }

    public static bool TryParse(IReadOnlyList<string> args, Func<string, string?> environment, out ControllerOptions options, out string? error)
    {
        options = new ControllerOptions
        {
            Profile = environment("POLICYATTACH_PROFILE"),
            LeaseNamespace = environment("POD_NAMESPACE") is { Length: > 0 } ns ? ns : "default",
            Identity = environment("POD_NAME") is { Length: > 0 } pod ? pod : environment("HOSTNAME") is { Length: > 0 } host ? host : Environment.MachineName,
        };
        error = null;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "-h" or "--help")
            {
                options = options with { Help = true };
                continue;
            }

            if (arg == "--no-leader-election")
            {
                options = options with { LeaderElection = false };
                continue;
            }

            if (i + 1 >= args.Count || args[i + 1].Length == 0)
            {
                error = arg.StartsWith("--", StringComparison.Ordinal) ? $"{arg} needs a value" : $"unexpected argument '{arg}'; see --help";
                return false;
            }

            var value = args[++i];
            switch (arg)
            {
                case "--controller-name": options = options with { ControllerName = value }; break;
                case "--profile": options = options with { Profile = value }; break;
                case "--kubeconfig": options = options with { Kubeconfig = value }; break;
                case "--context": options = options with { Context = value }; break;
                case "--lease-namespace": options = options with { LeaseNamespace = value }; break;
                case "--lease-name": options = options with { LeaseName = value }; break;
                case "--identity": options = options with { Identity = value }; break;
                default:
                    error = $"unknown flag '{arg}'; see --help";
                    return false;
            }
        }

        return true;
    }
}
