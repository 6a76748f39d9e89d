using System.Text.Json;
using System.Text.Json.Nodes;

namespace PolicyAttach.Kubernetes.Status;

/// <summary>JSON merge patch (RFC 7386): applying a patch as the API server does, to tell whether it changes anything.</summary>
public static class JsonMergePatch
{
    /// <summary>Applies a merge patch to a document: objects merge key by key, <c>null</c> removes a key, anything else replaces.</summary>
    /// <param name="target">The document; null for none.</param>
    /// <param name="patch">The patch.</param>
    /// <returns>The patched document, a new node.</returns>
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        var result = target is JsonObject targetObject ? (JsonObject)targetObject.DeepClone() : new JsonObject();
        foreach (var (name, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(name);
            }
            else
            {
                result[name] = Apply(result[name], value);
            }
        }

        return result;
    }

    /// <summary>Whether applying the patch to the document leaves it equal (as JSON values) to what it was.</summary>
    /// <param name="target">The document; null for none.</param>
    /// <param name="patch">The patch.</param>
    /// <returns>True when the patch would change nothing.</returns>
    public static bool IsNoOp(JsonElement? target, JsonElement patch)
    {
        var before = target is { } t ? JsonNode.Parse(t.GetRawText()) : null;
        var after = Apply(before, JsonNode.Parse(patch.GetRawText()));
        return JsonNode.DeepEquals(before, after);
    }
}
