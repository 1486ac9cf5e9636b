using Reliability.Sut.Local.Setup;

namespace Reliability.Sut.Local.Tests.Setup;

public sealed class PrerequisitesTests
{
    [Fact]
    public void A_missing_program_names_the_package_that_brings_it()
    {
        var missing = new Prerequisite("no-such-program-xyz", "no-such-package-xyz", ["/nonexistent"]);
        missing.IsInstalled().Should().BeFalse();
        var act = () => missing.Locate();
        act.Should().Throw<PrerequisiteException>().WithMessage("*no-such-program-xyz*apt-get install -y no-such-package-xyz*");
    }

    [Fact]
    public void The_monitoring_programs_are_found_where_debian_installs_them()
    {
        Prerequisite.Prometheus.Locate().Should().Be("/usr/bin/prometheus");
        Prerequisite.Alertmanager.Locate().Should().Be("/usr/bin/prometheus-alertmanager");
    }
}
