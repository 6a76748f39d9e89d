using System.Text.Json;
using PolicyAttach.Model;

namespace PolicyAttach.Kubernetes.Controllers;

/// <summary>An object as last seen in the cluster: its identity, apiVersion and <c>status</c>.</summary>
/// <param name="Key">The object.</param>
/// <param name="ApiVersion">Its apiVersion.</param>
/// <param name="Status">Its <c>status</c>, or null when it has none.</param>
public sealed record ObservedObject(ResourceKey Key, string ApiVersion, JsonElement? Status);
