namespace PolicyAttach.Cli.CommandLine;

/// <summary>The exit codes of every command.</summary>
internal static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Success = 0;

    /// <summary>The input had errors; what could be read was still evaluated.</summary>
    public const int InputErrors = 1;

    /// <summary>Usage error: unknown command or flag, missing file, ambiguous controller name.</summary>
    public const int Usage = 2;

    /// <summary><c>diff</c> only: something a reviewer should see changed.</summary>
    public const int Changes = 3;
}
