using k8s;
using k8s.Exceptions;
using k8s.KubeConfigModels;

namespace PolicyAttach.Kubernetes.Cluster;

/// <summary>
/// Builds a KubernetesClient client from a kubeconfig as kubectl chooses it: <c>--kubeconfig PATH</c>, else the
/// files of <c>KUBECONFIG</c> (merged), else <c>~/.kube/config</c>, else the in-cluster service account; the context
/// given, else the kubeconfig's current-context. Every problem is one line naming it; nothing here throws on user
/// data.
/// </summary>
public static class ClusterConnection
{
    /// <summary>Builds a client.</summary>
    /// <param name="kubeconfig">The kubeconfig file, or null to choose as kubectl does.</param>
    /// <param name="context">The context, or null for the current-context.</param>
    /// <param name="requestTimeout">The HTTP timeout of every request the client sends.</param>
    /// <param name="environment">Reads an environment variable (<c>KUBECONFIG</c>, <c>HOME</c>, <c>KUBERNETES_SERVICE_HOST</c>); null for the process's.</param>
    /// <param name="client">The client, when one could be built.</param>
    /// <param name="error">The problem otherwise: the kubeconfig does not exist or cannot be read, the context is not in it.</param>
    /// <returns>Whether a client was built.</returns>
    public static bool TryConnect(string? kubeconfig, string? context, TimeSpan requestTimeout, Func<string, string?>? environment,
        out IKubernetes? client, out string? error)
    {
        environment ??= Environment.GetEnvironmentVariable;
        client = null;
        error = null;
        var files = new List<string>();
        if (kubeconfig is not null)
        {
            if (!File.Exists(kubeconfig))
            {
                error = $"kubeconfig {kubeconfig} does not exist";
                return false;
            }

            files.Add(kubeconfig);
        }
        else if (environment("KUBECONFIG") is { Length: > 0 } list)
        {
            files.AddRange(list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Where(File.Exists));
            if (files.Count == 0)
            {
                error = $"no kubeconfig: none of the files in KUBECONFIG exists ({list})";
                return false;
            }
        }
        else
        {
            var home = environment("HOME") ?? environment("USERPROFILE");
            var path = home is null ? null : Path.Combine(home, ".kube", "config");
            if (path is not null && File.Exists(path))
            {
                files.Add(path);
            }
            else if (environment("KUBERNETES_SERVICE_HOST") is { Length: > 0 } && context is null)
            {
                return TryBuild(() => KubernetesClientConfiguration.InClusterConfig(), "the in-cluster configuration", requestTimeout, out client, out error);
            }
            else
            {
                error = $"no kubeconfig: {path ?? "~/.kube/config"} does not exist and KUBECONFIG is not set; give --kubeconfig PATH";
                return false;
            }
        }

        var name = string.Join(Path.PathSeparator, files);
        K8SConfiguration config;
        try
        {
            config = Merge(files.Select(f => KubernetesClientConfiguration.LoadKubeConfig(new FileInfo(f))).ToList());
        }
        catch (Exception ex) when (IsConfigProblem(ex))
        {
            error = $"kubeconfig {name} cannot be read: {OneLine(ex.Message)}";
            return false;
        }

        var contexts = (config.Contexts ?? []).Select(c => c.Name).Where(n => n is not null).Order(StringComparer.Ordinal).ToList();
        var chosen = context ?? config.CurrentContext;
        if (string.IsNullOrEmpty(chosen))
        {
            error = $"kubeconfig {name} has no current-context; choose one with --context ({Known(contexts)})";
            return false;
        }

        if (!contexts.Contains(chosen, StringComparer.Ordinal))
        {
            error = $"context '{chosen}' is not in kubeconfig {name} ({Known(contexts)})";
            return false;
        }

        return TryBuild(() => KubernetesClientConfiguration.BuildConfigFromConfigObject(config, chosen), $"context '{chosen}' of kubeconfig {name}", requestTimeout, out client, out error);
    }

    private static bool TryBuild(Func<KubernetesClientConfiguration> build, string what, TimeSpan requestTimeout, out IKubernetes? client, out string? error)
    {
        client = null;
        error = null;
        try
        {
            var configuration = build();
            configuration.HttpClientTimeout = requestTimeout;
            client = new k8s.Kubernetes(configuration);
            return true;
        }
        catch (Exception ex) when (IsConfigProblem(ex))
        {
            error = $"{what} cannot be used: {OneLine(ex.Message)}";
            return false;
        }
    }

    /// <summary>Merges kubeconfig files as kubectl does: the first current-context, and for each name the first definition.</summary>
    private static K8SConfiguration Merge(List<K8SConfiguration> configs)
    {
        var merged = configs[0];
        foreach (var next in configs.Skip(1))
        {
            merged.CurrentContext = string.IsNullOrEmpty(merged.CurrentContext) ? next.CurrentContext : merged.CurrentContext;
            merged.Contexts = [.. (merged.Contexts ?? []).Concat((next.Contexts ?? []).Where(c => !(merged.Contexts ?? []).Any(m => m.Name == c.Name)))];
            merged.Clusters = [.. (merged.Clusters ?? []).Concat((next.Clusters ?? []).Where(c => !(merged.Clusters ?? []).Any(m => m.Name == c.Name)))];
            merged.Users = [.. (merged.Users ?? []).Concat((next.Users ?? []).Where(c => !(merged.Users ?? []).Any(m => m.Name == c.Name)))];
        }

        return merged;
    }

    private static string Known(List<string> contexts)
        => contexts.Count == 0 ? "it defines no context" : "contexts: " + string.Join(", ", contexts);

    private static bool IsConfigProblem(Exception ex)
        => ex is KubeConfigException or KubernetesClientException or IOException or UnauthorizedAccessException or FormatException
            or ArgumentException or InvalidOperationException or NotSupportedException or YamlDotNet.Core.YamlException
            or System.Security.Cryptography.CryptographicException or UriFormatException;

    private static string OneLine(string text) => text.Replace("\r\n", " ", StringComparison.Ordinal).Replace('\n', ' ');
}
