using PolicyAttach.Cli.CommandLine;

namespace PolicyAttach.Cli.Commands;

/// <summary>A subcommand of <c>policyattach</c>.</summary>
internal interface ICommand
{
    /// <summary>The name typed after <c>policyattach</c>.</summary>
    string Name { get; }

    /// <summary>One line for the command list.</summary>
    string Summary { get; }

    /// <summary>The synopsis, such as <c>policyattach status PATH... [options]</c>.</summary>
    string Synopsis { get; }

    /// <summary>A paragraph of help after the synopsis.</summary>
    string Description { get; }

    /// <summary>The options the command accepts.</summary>
    IReadOnlyList<OptionSpec> Options { get; }

    /// <summary>Runs the command.</summary>
    /// <param name="args">The parsed arguments (help already handled).</param>
    /// <param name="context">The streams.</param>
    /// <returns>The exit code.</returns>
    int Execute(ParsedArguments args, CliContext context);
}
