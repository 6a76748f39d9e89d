using System.Text;
using System.Text.RegularExpressions;

namespace PolicyAttach.Kubernetes.Loading;

/// <summary>
/// The manifest files of a directory: <c>*.yaml</c>, <c>*.yml</c> and <c>*.json</c> (any case), one level deep unless
/// <see cref="ManifestLoaderOptions.RecurseDirectories"/>, without the ones <see cref="ManifestLoaderOptions.Exclude"/>
/// names, in ordinal order of their path.
/// </summary>
internal static class DirectoryListing
{
    private static readonly string[] ManifestExtensions = [".yaml", ".yml", ".json"];

    /// <summary>Whether a directory listing takes a file of this name (<c>*.yaml</c>, <c>*.yml</c>, <c>*.json</c>), before exclusions.</summary>
    public static bool IsManifestName(string name) => ManifestExtensions.Any(e => name.EndsWith(e, StringComparison.OrdinalIgnoreCase));

    /// <summary>Lists the files to read, as paths that start with <paramref name="directory"/> as given.</summary>
    /// <param name="directory">The directory as the user typed it.</param>
    /// <param name="options">The loader options.</param>
    /// <returns>The files, sorted.</returns>
    public static List<string> ManifestFiles(string directory, ManifestLoaderOptions options)
    {
        var excludes = options.Exclude.Select(Glob.Create).ToList();
        var files = new List<string>();
        Walk(directory, string.Empty, options.RecurseDirectories, excludes, files);
        files.Sort(StringComparer.Ordinal);
        return files;
    }

    private static void Walk(string root, string relative, bool recurse, List<Glob> excludes, List<string> files)
    {
        var directory = relative.Length == 0 ? root : Path.Join(root, relative);
        var enumeration = new EnumerationOptions { RecurseSubdirectories = false, IgnoreInaccessible = true, AttributesToSkip = 0 };
        foreach (var file in Directory.EnumerateFiles(directory, "*", enumeration))
        {
            var name = Path.GetFileName(file);
            var below = relative.Length == 0 ? name : relative + "/" + name;
            if (IsManifestName(name) && !excludes.Any(g => g.Matches(below, name)))
            {
                files.Add(Path.Join(root, below.Replace('/', Path.DirectorySeparatorChar)));
            }
        }

        if (!recurse)
        {
            return;
        }

        foreach (var sub in Directory.EnumerateDirectories(directory, "*", enumeration))
        {
            var name = Path.GetFileName(sub);
            var below = relative.Length == 0 ? name : relative + "/" + name;
            if (!excludes.Any(g => g.Matches(below, name)) && !IsLink(sub))
            {
                Walk(root, below, recurse, excludes, files);
            }
        }
    }

    /// <summary>Symbolic links to directories are not followed, so a link cycle cannot make the walk endless.</summary>
    private static bool IsLink(string directory) => new DirectoryInfo(directory).LinkTarget is not null;

    /// <summary>A glob pattern compiled to a linear-time regular expression.</summary>
    internal sealed class Glob
    {
        private readonly Regex _regex;
        private readonly bool _wholePath;

        private Glob(Regex regex, bool wholePath)
        {
            _regex = regex;
            _wholePath = wholePath;
        }

        /// <summary>Compiles a pattern (see <see cref="ManifestLoaderOptions.Exclude"/>).</summary>
        /// <param name="pattern">The pattern; <c>\</c> separators are read as <c>/</c>, a leading <c>./</c> or <c>/</c> is dropped.</param>
        /// <returns>The glob.</returns>
        public static Glob Create(string pattern)
        {
            var normalized = pattern.Replace('\\', '/');
            while (normalized.StartsWith("./", StringComparison.Ordinal))
            {
                normalized = normalized[2..];
            }

            normalized = normalized.Trim('/');
            var regex = new StringBuilder("^");
            for (var i = 0; i < normalized.Length; i++)
            {
                var c = normalized[i];
                switch (c)
                {
                    case '*' when i + 1 < normalized.Length && normalized[i + 1] == '*':
                        i++;
                        if (i + 1 < normalized.Length && normalized[i + 1] == '/')
                        {
                            // "**/" matches zero or more whole directories.
                            i++;
                            regex.Append("(?:.*/)?");
                        }
                        else
                        {
                            regex.Append(".*");
                        }

                        break;
                    case '*':
                        regex.Append("[^/]*");
                        break;
                    case '?':
                        regex.Append("[^/]");
                        break;
                    case '[':
                        var close = normalized.IndexOf(']', i + 1);
                        if (close <= i + 1)
                        {
                            regex.Append(@"\[");
                            break;
                        }

                        var set = normalized[(i + 1)..close];
                        var negate = set.StartsWith('!') || set.StartsWith('^');
                        if (negate)
                        {
                            set = set[1..];
                        }

                        regex.Append(negate ? "[^/" : "[").Append(set.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("[", @"\[", StringComparison.Ordinal)).Append(']');
                        i = close;
                        break;
                    default:
                        regex.Append(Regex.Escape(c.ToString()));
                        break;
                }
            }

            regex.Append('$');
            var options = RegexOptions.CultureInvariant | RegexOptions.NonBacktracking;
            var wholePath = normalized.Contains('/', StringComparison.Ordinal);
            try
            {
                return new Glob(new Regex(regex.ToString(), options), wholePath);
            }
            catch (ArgumentException)
            {
                // A set the regex engine refuses ([z-a]) is not a pattern: the text is matched as it is.
                return new Glob(new Regex("^" + Regex.Escape(normalized) + "$", options), wholePath);
            }
        }

        /// <summary>Whether the pattern matches a path below the directory given (or, with no <c>/</c> in the pattern, its name).</summary>
        /// <param name="relative">The path below the directory given, <c>/</c>-separated.</param>
        /// <param name="name">The last segment.</param>
        /// <returns>True when it matches.</returns>
        public bool Matches(string relative, string name) => _regex.IsMatch(_wholePath ? relative : name);
    }
}
