using System.Text;
using PolicyAttach.Cli.Commands;

namespace PolicyAttach.Cli.CommandLine;

/// <summary>
/// Shell completion scripts for <c>policyattach completion SHELL</c>, generated from the commands' option tables, so
/// that every option (shared ones from <see cref="CommonOptions"/> included) completes in every shell without a
/// second list to keep in step. Each script completes command names, each command's options, the values of options
/// with <see cref="OptionSpec.Choices"/>, files for PATHs and <c>-f</c>, and directories for <c>-k</c>.
/// </summary>
internal static class CompletionScripts
{
    /// <summary>The shells a script is written for.</summary>
    public static IReadOnlyList<string> Shells { get; } = ["bash", "zsh", "fish", "powershell"];

    /// <summary>The script for a shell.</summary>
    /// <param name="shell">bash, zsh, fish or powershell.</param>
    /// <param name="commands">Every command.</param>
    /// <returns>The script, or null for an unknown shell.</returns>
    public static string? For(string shell, IReadOnlyList<ICommand> commands) => shell switch
    {
        "bash" => Bash(commands),
        "zsh" => Zsh(commands),
        "fish" => Fish(commands),
        "powershell" => PowerShell(commands),
        _ => null,
    };

    /// <summary>What a command's positional arguments complete to.</summary>
    private static string PositionalKind(ICommand command) => command.Name switch
    {
        "help" => "commands",
        "completion" => "shells",
        "version" => "none",
        _ => "files",
    };

    private static IEnumerable<OptionSpec> WithHelp(ICommand command)
        => command.Options.Append(new OptionSpec("help", string.Empty, "Show this help.", IsFlag: true) { Short = 'h' });

    private static string Bash(IReadOnlyList<ICommand> commands)
    {
        var text = new StringBuilder();
        text.Append("# bash completion for policyattach.\n");
        text.Append("# This shell:      source <(policyattach completion bash)\n");
        text.Append("# Every new shell: policyattach completion bash > ~/.local/share/bash-completion/completions/policyattach\n");
        text.Append("_policyattach()\n{\n");
        text.Append("    local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"\" command=\"\" i\n");
        text.Append("    (( COMP_CWORD > 0 )) && prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n");
        text.Append("    for (( i = 1; i < COMP_CWORD; i++ )); do\n");
        text.Append("        case \"${COMP_WORDS[i]}\" in\n            -*) ;;\n            *) command=\"${COMP_WORDS[i]}\"; break ;;\n        esac\n    done\n");
        text.Append("    local commands=\"").Append(string.Join(' ', commands.Select(c => c.Name))).Append("\"\n");
        text.Append("    if [[ -z \"$command\" ]]; then\n");
        text.Append("        COMPREPLY=( $(compgen -W \"$commands --help -h --version\" -- \"$cur\") )\n        return 0\n    fi\n");
        text.Append("    local options=\"\" positional=\"files\"\n");
        text.Append("    case \"$command\" in\n");
        foreach (var command in commands)
        {
            var options = WithHelp(command).ToList();
            text.Append("        ").Append(command.Name).Append(")\n");
            text.Append("            options=\"").Append(string.Join(' ', options.SelectMany(Spellings))).Append("\"\n");
            text.Append("            positional=\"").Append(PositionalKind(command)).Append("\"\n");
            var valued = options.Where(o => !o.IsFlag).ToList();
            if (valued.Count > 0)
            {
                text.Append("            case \"$prev\" in\n");
                foreach (var option in valued)
                {
                    text.Append("                ").Append(string.Join('|', Spellings(option))).Append(") ");
                    text.Append(option.Choices.Count > 0
                        ? $"COMPREPLY=( $(compgen -W \"{string.Join(' ', option.Choices)}\" -- \"$cur\") )"
                        : option.Completion switch
                        {
                            ValueCompletion.Files => "COMPREPLY=( $(compgen -f -- \"$cur\") ); compopt -o filenames 2>/dev/null",
                            ValueCompletion.Directories => "COMPREPLY=( $(compgen -d -- \"$cur\") ); compopt -o filenames 2>/dev/null",
                            _ => "COMPREPLY=()",
                        });
                    text.Append("; return 0 ;;\n");
                }

                text.Append("            esac\n");
            }

            text.Append("            ;;\n");
        }

        text.Append("        *) return 0 ;;\n    esac\n");
        text.Append("    if [[ \"$cur\" == -* ]]; then\n");
        text.Append("        COMPREPLY=( $(compgen -W \"$options\" -- \"$cur\") )\n");
        text.Append("    elif [[ \"$positional\" == files ]]; then\n");
        text.Append("        COMPREPLY=( $(compgen -f -- \"$cur\") ); compopt -o filenames 2>/dev/null\n");
        text.Append("    elif [[ \"$positional\" == commands ]]; then\n");
        text.Append("        COMPREPLY=( $(compgen -W \"$commands\" -- \"$cur\") )\n");
        text.Append("    elif [[ \"$positional\" == shells ]]; then\n");
        text.Append("        COMPREPLY=( $(compgen -W \"").Append(string.Join(' ', Shells)).Append("\" -- \"$cur\") )\n");
        text.Append("    fi\n    return 0\n}\n");
        text.Append("complete -F _policyattach policyattach\n");
        return text.ToString();
    }

    private static IEnumerable<string> Spellings(OptionSpec option)
        => option.Short is { } s ? ["--" + option.Name, "-" + s] : ["--" + option.Name];

    private static string Zsh(IReadOnlyList<ICommand> commands)
    {
        var text = new StringBuilder();
        text.Append("#compdef policyattach\n");
        text.Append("# zsh completion for policyattach.\n");
        text.Append("# This shell:      source <(policyattach completion zsh)\n");
        text.Append("# Every new shell: policyattach completion zsh > \"${fpath[1]}/_policyattach\"\n");
        text.Append("_policyattach() {\n");
        text.Append("    local curcontext=\"$curcontext\" state line\n");
        text.Append("    local -a commands\n");
        text.Append("    commands=(\n");
        foreach (var command in commands)
        {
            text.Append("        ").Append(ZshQuote(command.Name + ":" + command.Summary.Replace(":", "\\:", StringComparison.Ordinal))).Append('\n');
        }

        text.Append("    )\n");
        text.Append("    _arguments -C '(- *)'{-h,--help}'[Show the help.]' '(- *)--version[Show the version.]' '1: :->command' '*:: :->arguments'\n");
        text.Append("    case $state in\n");
        text.Append("        command) _describe -t commands 'policyattach command' commands ;;\n");
        text.Append("        arguments)\n");
        text.Append("            case $words[1] in\n");
        foreach (var command in commands)
        {
            text.Append("                ").Append(command.Name).Append(")\n");
            text.Append("                    _arguments -s");
            foreach (var option in WithHelp(command))
            {
                text.Append(" \\\n                        ").Append(ZshSpec(option));
            }

            text.Append(" \\\n                        ").Append(PositionalKind(command) switch
            {
                "commands" => "'1: :->command'",
                "shells" => ZshQuote("1:SHELL:(" + string.Join(' ', Shells) + ")"),
                "none" => string.Empty,
                _ => "'*:PATH:_files'",
            }).Append('\n');
            if (command.Name == "help")
            {
                text.Append("                    [[ $state == command ]] && _describe -t commands 'policyattach command' commands\n");
            }

            text.Append("                    ;;\n");
        }

        text.Append("            esac\n            ;;\n    esac\n}\n");
        text.Append("if [[ \"${funcstack[1]}\" == _policyattach ]]; then\n    _policyattach \"$@\"\nelse\n    compdef _policyattach policyattach\nfi\n");
        return text.ToString();
    }

    /// <summary>One <c>_arguments</c> spec: exclusions, spellings, <c>[help]</c>, and <c>:NAME:action</c> for a value.</summary>
    private static string ZshSpec(OptionSpec option)
    {
        var help = "[" + option.Description.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("[", "\\[", StringComparison.Ordinal)
            .Replace("]", "\\]", StringComparison.Ordinal).Replace(":", "\\:", StringComparison.Ordinal) + "]";
        var value = option.IsFlag
            ? string.Empty
            : ":" + option.ValueName.Replace(":", "\\:", StringComparison.Ordinal) + ":" + (option.Choices.Count > 0
                ? "(" + string.Join(' ', option.Choices) + ")"
                : option.Completion switch
                {
                    ValueCompletion.Files => "_files",
                    ValueCompletion.Directories => "_files -/",
                    _ => " ",
                });
        var repeat = option.Repeatable ? "*" : string.Empty;
        if (option.Short is { } s)
        {
            var exclusion = option.Repeatable ? string.Empty : $"(-{s} --{option.Name})";
            return ZshQuote(exclusion + repeat) + "{-" + s + ",--" + option.Name + (option.IsFlag ? string.Empty : "=") + "}" + ZshQuote(help + value);
        }

        return ZshQuote(repeat + "--" + option.Name + (option.IsFlag ? string.Empty : "=") + help + value);
    }

    private static string ZshQuote(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static string Fish(IReadOnlyList<ICommand> commands)
    {
        var text = new StringBuilder();
        text.Append("# fish completion for policyattach.\n");
        text.Append("# This shell:      policyattach completion fish | source\n");
        text.Append("# Every new shell: policyattach completion fish > ~/.config/fish/completions/policyattach.fish\n");
        text.Append("complete -c policyattach -f\n");
        text.Append("complete -c policyattach -n '__fish_use_subcommand' -s h -l help -d 'Show this help.'\n");
        text.Append("complete -c policyattach -n '__fish_use_subcommand' -l version -d 'Show the version.'\n");
        foreach (var command in commands)
        {
            text.Append("complete -c policyattach -n '__fish_use_subcommand' -a ").Append(command.Name).Append(" -d ").Append(FishQuote(command.Summary)).Append('\n');
        }

        foreach (var command in commands)
        {
            var when = "-n " + FishQuote("__fish_seen_subcommand_from " + command.Name);
            foreach (var option in WithHelp(command))
            {
                text.Append("complete -c policyattach ").Append(when);
                if (option.Short is { } s)
                {
                    text.Append(" -s ").Append(s);
                }

                text.Append(" -l ").Append(option.Name);
                if (!option.IsFlag)
                {
                    text.Append(option.Choices.Count > 0
                        ? " -x -a " + FishQuote(string.Join(' ', option.Choices))
                        : option.Completion switch
                        {
                            ValueCompletion.Files => " -r -F",
                            ValueCompletion.Directories => " -x -a '(__fish_complete_directories)'",
                            _ => " -x",
                        });
                }

                text.Append(" -d ").Append(FishQuote(option.Description)).Append('\n');
            }

            text.Append(PositionalKind(command) switch
            {
                "commands" => $"complete -c policyattach {when} -a {FishQuote(string.Join(' ', commands.Select(c => c.Name)))}\n",
                "shells" => $"complete -c policyattach {when} -a {FishQuote(string.Join(' ', Shells))}\n",
                "none" => string.Empty,
                _ => $"complete -c policyattach {when} -F\n",
            });
        }

        return text.ToString();
    }

    private static string FishQuote(string text) => "'" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";

    private static string PowerShell(IReadOnlyList<ICommand> commands)
    {
        var text = new StringBuilder();
        text.Append("# PowerShell completion for policyattach.\n");
        text.Append("# This session:     policyattach completion powershell | Out-String | Invoke-Expression\n");
        text.Append("# Every session:    add that line to $PROFILE\n");
        text.Append("Register-ArgumentCompleter -Native -CommandName policyattach -ScriptBlock {\n");
        text.Append("    param($wordToComplete, $commandAst, $cursorPosition)\n");
        text.Append("    $commands = [ordered]@{\n");
        foreach (var command in commands)
        {
            text.Append("        ").Append(PsQuote(command.Name)).Append(" = ").Append(PsQuote(command.Summary)).Append('\n');
        }

        text.Append("    }\n");
        text.Append("    $options = @{\n");
        foreach (var command in commands)
        {
            text.Append("        ").Append(PsQuote(command.Name)).Append(" = @(\n");
            foreach (var option in WithHelp(command))
            {
                var kind = option.IsFlag ? "flag" : option.Choices.Count > 0 ? "choice" : option.Completion switch
                {
                    ValueCompletion.Files => "file",
                    ValueCompletion.Directories => "directory",
                    _ => "value",
                };
                foreach (var spelling in Spellings(option))
                {
                    text.Append("            @(").Append(PsQuote(spelling)).Append(", ").Append(PsQuote(kind)).Append(", ")
                        .Append(PsQuote(string.Join(' ', option.Choices))).Append(", ").Append(PsQuote(option.Description)).Append(")\n");
                }
            }

            text.Append("        )\n");
        }

        text.Append("    }\n");
        text.Append("    $positional = @{ ");
        text.Append(string.Join("; ", commands.Select(c => PsQuote(c.Name) + " = " + PsQuote(PositionalKind(c)))));
        text.Append(" }\n");
        text.Append("""
                $words = @($commandAst.CommandElements | Where-Object { $_.Extent.EndOffset -le $cursorPosition } | ForEach-Object { $_.ToString() })
                if ($wordToComplete -ne '' -and $words.Count -gt 0 -and $words[-1] -eq $wordToComplete) { $words = @($words | Select-Object -SkipLast 1) }
                $command = $null
                foreach ($word in ($words | Select-Object -Skip 1)) { if (-not $word.StartsWith('-')) { $command = $word; break } }
                if ($null -eq $command) {
                    $commands.Keys | Where-Object { $_ -like "$wordToComplete*" } | ForEach-Object {
                        [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $commands[$_])
                    }
                    return
                }
                $table = $options[$command]
                if ($null -eq $table) { return }
                $previous = if ($words.Count -gt 0) { $words[-1] } else { '' }
                $valued = $table | Where-Object { $_[0] -eq $previous -and $_[1] -ne 'flag' } | Select-Object -First 1
                if ($null -ne $valued) {
                    switch ($valued[1]) {
                        'choice' { $valued[2].Split(' ') | Where-Object { $_ -like "$wordToComplete*" } | ForEach-Object { [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_) } }
                        'file' { Get-ChildItem -Path "$wordToComplete*" -ErrorAction SilentlyContinue | ForEach-Object { [System.Management.Automation.CompletionResult]::new($_.Name, $_.Name, 'ProviderItem', $_.FullName) } }
                        'directory' { Get-ChildItem -Path "$wordToComplete*" -Directory -ErrorAction SilentlyContinue | ForEach-Object { [System.Management.Automation.CompletionResult]::new($_.Name, $_.Name, 'ProviderContainer', $_.FullName) } }
                    }
                    return
                }
                if ($wordToComplete.StartsWith('-')) {
                    $table | Where-Object { $_[0] -like "$wordToComplete*" } | ForEach-Object {
                        [System.Management.Automation.CompletionResult]::new($_[0], $_[0], 'ParameterName', $_[3])
                    }
                    return
                }
                switch ($positional[$command]) {
                    'commands' { $commands.Keys | Where-Object { $_ -like "$wordToComplete*" } | ForEach-Object { [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $commands[$_]) } }
                    'shells' { @(
            """);
        text.Append(string.Join(", ", Shells.Select(PsQuote)));
        text.Append("""
            ) | Where-Object { $_ -like "$wordToComplete*" } | ForEach-Object { [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_) } }
                    'files' { Get-ChildItem -Path "$wordToComplete*" -ErrorAction SilentlyContinue | ForEach-Object { [System.Management.Automation.CompletionResult]::new($_.Name, $_.Name, 'ProviderItem', $_.FullName) } }
                }
            }

            """);
        return text.ToString();
    }

    private static string PsQuote(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";
}
