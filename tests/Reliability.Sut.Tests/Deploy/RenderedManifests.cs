using k8s;
using k8s.Models;

namespace Reliability.Sut.Tests.Deploy;

/// <summary>
/// One overlay rendered by kubectl kustomize, every object deserialized strictly into KubernetesClient's
/// typed models (an unknown or misspelt field fails), custom resources kept as YAML.
/// </summary>
internal sealed class RenderedManifests
{
    private static readonly Dictionary<string, Type> Typed = new()
    {
        ["Namespace"] = typeof(V1Namespace),
        ["ConfigMap"] = typeof(V1ConfigMap),
        ["Secret"] = typeof(V1Secret),
        ["Deployment"] = typeof(V1Deployment),
        ["StatefulSet"] = typeof(V1StatefulSet),
        ["Service"] = typeof(V1Service),
        ["Ingress"] = typeof(V1Ingress),
        ["HorizontalPodAutoscaler"] = typeof(V2HorizontalPodAutoscaler),
        ["PodDisruptionBudget"] = typeof(V1PodDisruptionBudget),
        ["NetworkPolicy"] = typeof(V1NetworkPolicy),
        ["ServiceAccount"] = typeof(V1ServiceAccount),
        ["Role"] = typeof(V1Role),
        ["RoleBinding"] = typeof(V1RoleBinding),
        ["ClusterRole"] = typeof(V1ClusterRole),
        ["ClusterRoleBinding"] = typeof(V1ClusterRoleBinding),
        ["CronJob"] = typeof(V1CronJob),
    };

    private static readonly HashSet<string> CustomKinds = ["ServiceMonitor", "PrometheusRule"];

    public RenderedManifests(string overlay)
    {
        Overlay = overlay;
        foreach (var document in Repository.Documents(Repository.Kustomize($"sut/deploy/k8s/overlays/{overlay}")))
        {
            var kind = System.Text.RegularExpressions.Regex.Match(document, @"^kind: (\S+)", System.Text.RegularExpressions.RegexOptions.Multiline).Groups[1].Value;
            if (CustomKinds.Contains(kind))
            {
                Custom.Add((kind, document));
                continue;
            }
            Typed.Should().ContainKey(kind, $"overlay {overlay} renders a {kind}, which these tests do not know how to check");
            var deserialize = typeof(KubernetesYaml).GetMethods()
                .Single(m => m.Name == nameof(KubernetesYaml.Deserialize) && m.IsGenericMethod && m.GetParameters() is [{ ParameterType.Name: "String" }, { ParameterType.Name: "Boolean" }])
                .MakeGenericMethod(Typed[kind]);
            try
            {
                Objects.Add((IKubernetesObject<V1ObjectMeta>)deserialize.Invoke(null, [document, true])!);
            }
            catch (System.Reflection.TargetInvocationException ex)
            {
                throw new Xunit.Sdk.XunitException($"{overlay}: a {kind} does not deserialize strictly: {ex.InnerException?.Message}");
            }
        }
    }

    public string Overlay { get; }
    public List<IKubernetesObject<V1ObjectMeta>> Objects { get; } = [];
    public List<(string Kind, string Yaml)> Custom { get; } = [];

    public IEnumerable<T> All<T>() => Objects.OfType<T>();

    public T Single<T>(string name) where T : IKubernetesObject<V1ObjectMeta> =>
        All<T>().Should().ContainSingle(o => o.Metadata.Name == name, $"{Overlay} renders one {typeof(T).Name} {name}").Which;

    public IEnumerable<(string Owner, V1PodSpec Pod)> PodSpecs() =>
        All<V1Deployment>().Select(d => ($"Deployment/{d.Metadata.Name}", d.Spec.Template.Spec))
            .Concat(All<V1StatefulSet>().Select(s => ($"StatefulSet/{s.Metadata.Name}", s.Spec.Template.Spec)))
            .Concat(All<V1CronJob>().Select(c => ($"CronJob/{c.Metadata.Name}", c.Spec.JobTemplate.Spec.Template.Spec)));
}
