using System.Globalization;
using System.Xml.Linq;
using Reliability.Reports.Model;

namespace Reliability.Reports.Writers;

/// <summary>
/// JUnit XML, one test case per hypothesis (krkn's choice): a failed hypothesis is a &lt;failure&gt; whose
/// message carries the measured value and the threshold; an inconclusive one is an &lt;error&gt;, so a CI
/// gate never reads it as a pass.
/// </summary>
internal static class JUnitWriter
{
    public static string Write(IEnumerable<ResultModel> results)
    {
        var suites = results.Select(Suite).ToList();
        var root = new XElement("testsuites",
            new XAttribute("name", "reliability"),
            new XAttribute("tests", suites.Sum(s => (int)s.Attribute("tests")!)),
            new XAttribute("failures", suites.Sum(s => (int)s.Attribute("failures")!)),
            new XAttribute("errors", suites.Sum(s => (int)s.Attribute("errors")!)),
            suites);
        return new XDocument(new XDeclaration("1.0", "utf-8", null), root).ToString();
    }

    private static XElement Suite(ResultModel result)
    {
        var cases = result.Verdicts.Select(v => Case(result, v)).ToList();
        if (result.Outcome != "completed")
        {
            cases.Insert(0, new XElement("testcase", new XAttribute("classname", result.Experiment.Name), new XAttribute("name", "experiment completed"),
                new XElement("failure", new XAttribute("message", $"outcome: {result.Outcome}"), new XAttribute("type", "outcome"))));
        }
        var duration = result.Phases.Count == 0 ? 0 : (result.Phases.Max(p => p.End) - result.Phases.Min(p => p.Start)).TotalSeconds;
        return new XElement("testsuite",
            new XAttribute("name", result.Experiment.Name),
            new XAttribute("tests", cases.Count),
            new XAttribute("failures", cases.Count(c => c.Element("failure") is not null)),
            new XAttribute("errors", cases.Count(c => c.Element("error") is not null)),
            new XAttribute("time", duration.ToString("0.###", CultureInfo.InvariantCulture)),
            new XAttribute("timestamp", (result.Phases.FirstOrDefault()?.Start ?? DateTimeOffset.UnixEpoch).UtcDateTime.ToString("s", CultureInfo.InvariantCulture)),
            cases);
    }

    private static XElement Case(ResultModel result, VerdictModel verdict)
    {
        var element = new XElement("testcase", new XAttribute("classname", $"{result.Experiment.Name}.{verdict.Kind}"), new XAttribute("name", verdict.Hypothesis));
        var message = $"measured {verdict.Measured ?? "n/a"}, threshold {verdict.Threshold}";
        switch (verdict.Status)
        {
            case "failed":
                element.Add(new XElement("failure", new XAttribute("message", message), new XAttribute("type", verdict.Kind), verdict.Evidence));
                break;
            case "inconclusive":
                element.Add(new XElement("error", new XAttribute("message", $"inconclusive: {verdict.Evidence}"), new XAttribute("type", "inconclusive"), message));
                break;
            default:
                element.Add(new XElement("system-out", $"{message}; {verdict.Evidence}"));
                break;
        }
        return element;
    }
}
