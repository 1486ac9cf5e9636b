using YamlDotNet.RepresentationModel;

namespace Reliability.ClusterStandIn;

/// <summary>One permission as RBAC states it: API group ("" for the core group), resource, verb.</summary>
internal sealed record Access(string Group, string Resource, string Verb)
{
    public override string ToString() => $"{Verb} {Resource}{(Group.Length > 0 ? "." + Group : "")}";
}

/// <summary>The API server's authorization, read from RBAC manifests: what a request needs, and what rules grant.</summary>
internal static class Rbac
{
    /// <summary>The verbs of every rule of every Role and ClusterRole in a manifest file.</summary>
    public static IReadOnlySet<Access> GrantsOf(string file)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(file))
        {
            stream.Load(reader);
        }
        var grants = new HashSet<Access>();
        foreach (var document in stream.Documents.Select(d => (YamlMappingNode)d.RootNode))
        {
            if (((YamlScalarNode)document["kind"]).Value is not ("Role" or "ClusterRole"))
            {
                continue;
            }
            foreach (var rule in ((YamlSequenceNode)document["rules"]).Cast<YamlMappingNode>())
            {
                var groups = ((YamlSequenceNode)rule["apiGroups"]).Select(n => ((YamlScalarNode)n).Value!);
                var resources = ((YamlSequenceNode)rule["resources"]).Select(n => ((YamlScalarNode)n).Value!).ToList();
                var verbs = ((YamlSequenceNode)rule["verbs"]).Select(n => ((YamlScalarNode)n).Value!).ToList();
                grants.UnionWith(from g in groups from r in resources from v in verbs select new Access(g, r, v));
            }
        }
        return grants;
    }

    /// <summary>The permission a request needs, by the API server's rules: GET of a collection is list (watch with ?watch=true), of one object get.</summary>
    public static Access? AccessOf(string method, string path, string query)
    {
        var parts = path.Trim('/').Split('/');
        var (group, rest) = parts switch
        {
            ["api", "v1", .. var r] => ("", r),
            ["apis", var g, _, .. var r] => (g, r),
            _ => ((string?)null, Array.Empty<string>()),
        };
        if (group is null)
        {
            return null;
        }
        var (resource, named) = rest switch
        {
            ["namespaces", _, var res] => (res, false),
            ["namespaces", _, var res, _] => (res, true),
            // A subresource is its own resource to RBAC: pods/log, jobs/status.
            ["namespaces", _, var res, _, var sub] => ($"{res}/{sub}", true),
            [var res] => (res, false),
            [var res, _] => (res, true),
            [var res, _, var sub] => ($"{res}/{sub}", true),
            _ => ((string?)null, false),
        };
        if (resource is null)
        {
            return null;
        }
        var verb = method switch
        {
            "GET" when named => "get",
            "GET" when query.Contains("watch=true", StringComparison.Ordinal) => "watch",
            "GET" => "list",
            "POST" => "create",
            "DELETE" => "delete",
            "PATCH" => "patch",
            "PUT" => "update",
            _ => method.ToLowerInvariant(),
        };
        return new Access(group, resource, verb);
    }
}
