using static PolicyAttach.Cli.Tests.CliRunner;

namespace PolicyAttach.Cli.Tests;

/// <summary>Every command on the fixtures, compared with Golden/*.txt (POLICYATTACH_UPDATE_GOLDEN=1 rewrites them).</summary>
public class GoldenTests
{
    [Theory]
    [InlineData("validate-basic", "validate", "basic.yaml")]
    [InlineData("validate-errors-json", "validate", "errors.yaml", "--output", "json")]
    [InlineData("validate-duplicate", "validate", "duplicate.yaml")]
    [InlineData("status-basic", "status", "basic.yaml")]
    [InlineData("status-basic-time", "status", "basic.yaml", "--time", "2024-05-01T12:00:00Z")]
    [InlineData("status-basic-yaml", "status", "basic.yaml", "--output=yaml")]
    [InlineData("status-basic-text", "status", "basic.yaml", "--output", "text")]
    [InlineData("status-errors", "status", "errors.yaml")]
    [InlineData("status-listenerset", "status", "listenerset.yaml")]
    [InlineData("status-no-class", "status", "no-class.yaml")]
    [InlineData("status-two-controllers", "status", "two-controllers.yaml")]
    [InlineData("status-two-controllers-beta", "status", "two-controllers.yaml", "--controller-name", "beta.example.com/controller")]
    [InlineData("explain-route-store", "explain", "basic.yaml", "httproute/apps/store")]
    [InlineData("explain-route-admin", "explain", "basic.yaml", "HTTPRoute/infra/admin")]
    [InlineData("explain-route-elsewhere-json", "explain", "basic.yaml", "httproute/apps/elsewhere", "--output", "json")]
    [InlineData("explain-gateway", "explain", "basic.yaml", "gateway/infra/web")]
    [InlineData("explain-gateway-json", "explain", "basic.yaml", "gateway/infra/web", "--output", "json")]
    [InlineData("explain-gatewayclass", "explain", "basic.yaml", "gatewayclass/example")]
    [InlineData("explain-listenerset", "explain", "listenerset.yaml", "listenerset/infra/team")]
    [InlineData("explain-unmanaged-route", "explain", "no-class.yaml", "httproute/default/lonely")]
    [InlineData("explain-unknown", "explain", "basic.yaml", "httproute/apps/stor")]
    public void Command_output_matches_golden(string golden, string command, string fixture, params string[] rest)
    {
        string[] args = [command, Fixture(fixture), .. rest];
        AssertGolden(golden, Run(args));
    }

    [Fact]
    public void Status_of_stdin_matches_the_same_file()
    {
        var text = File.ReadAllText(Fixture("basic.yaml"));
        var fromStdin = RunWithStdin(text, "status", "-");
        var fromFile = Run("status", Fixture("basic.yaml"));
        Assert.Equal(0, fromStdin.ExitCode);
        Assert.Equal(fromFile.Stdout, fromStdin.Stdout);
    }

    [Fact]
    public void Validate_of_stdin_names_the_file_dash()
    {
        var run = RunWithStdin(File.ReadAllText(Fixture("errors.yaml")), "validate", "-");
        AssertGolden("validate-stdin-errors", run);
        Assert.StartsWith("-:", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_examples_folder()
        => AssertGolden("validate-examples", Run("validate", Path.Combine(RepoRoot, "examples")));

    [Fact]
    public void Status_examples_folder()
        => AssertGolden("status-examples", Run("status", Path.Combine(RepoRoot, "examples")));

    [Fact]
    public void Global_help() => AssertGolden("help", Run("--help"));

    [Fact]
    public void Status_help() => AssertGolden("help-status", Run("status", "--help"));

    [Fact]
    public void Validate_help() => AssertGolden("help-validate", Run("validate", "-h"));

    [Fact]
    public void Explain_help() => AssertGolden("help-explain", Run("help", "explain"));
}
