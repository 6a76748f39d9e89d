using System.Globalization;
using System.Text;

namespace PolicyAttach.Re2;

/// <summary>
/// The outcome of reading a route's regular expression: the equivalent .NET pattern for
/// <see cref="System.Text.RegularExpressions.RegexOptions.NonBacktracking"/>, or why it cannot run.
/// </summary>
/// <param name="Pattern">The .NET pattern (not anchored), or null when <paramref name="Problem"/> is set.</param>
/// <param name="Problem">What is wrong, as a sentence fragment, or null.</param>
/// <param name="Offset">Where in the pattern the problem is (0-based), or -1.</param>
internal readonly record struct Re2Translation(string? Pattern, string? Problem, int Offset)
{
    public bool IsValid => Problem is null;
}

/// <summary>
/// Reads regular expressions in RE2 syntax, the dialect of Envoy (<c>safe_regex</c>) and of Go's <c>regexp</c>
/// (Envoy Gateway validates route regexes with it), and writes the .NET pattern with the same meaning for the
/// linear-time <see cref="System.Text.RegularExpressions.RegexOptions.NonBacktracking"/> engine. The one owner of
/// which route regexes run: the reader warns with its verdict, binding drops the rule, the matcher compiles it.
/// <list type="bullet">
/// <item>Refused, as RE2 refuses them: backreferences, lookahead and lookbehind, atomic groups, conditionals,
/// comments, <c>\G</c>, <c>\Z</c>, unknown escapes, repetition counts above 1,000, nesting deeper than 1,000.</item>
/// <item>Refused because the linear engine would have to expand them too far: patterns of more than 1,000 elements
/// once counted repetitions are expanded (<c>(a{100}){100}</c>).</item>
/// <item>Refused as not supported here although RE2 has them: Unicode script classes (<c>\p{Greek}</c>) and
/// characters above U+FFFF inside a character class.</item>
/// <item>Translated to keep RE2's meaning: <c>\d</c>, <c>\w</c>, <c>\s</c> and POSIX classes (<c>[[:alpha:]]</c>)
/// are ASCII; <c>$</c> without the <c>m</c> flag is the end of the text only; <c>\x{...}</c>, octal escapes,
/// <c>\Q...\E</c>, <c>(?P&lt;name&gt;...)</c>, one-letter <c>\pL</c>; the <c>U</c> flag and laziness are ignored
/// because only whole-value matches are asked (greediness never changes whether a value matches).</item>
/// </list>
/// What remains different from RE2: <c>\b</c> and case folding (<c>(?i)</c>) follow .NET's Unicode tables, and
/// <c>.</c> or a negated class consumes one UTF-16 unit, so a character above U+FFFF counts as two.
/// </summary>
internal static class Re2Syntax
{
    /// <summary>The largest repetition count RE2 accepts.</summary>
    public const int MaxRepeat = 1000;

    /// <summary>The deepest nesting of groups RE2 accepts.</summary>
    public const int MaxNesting = 1000;

    /// <summary>
    /// The most elements (characters and classes, counted repetitions expanded) a pattern may have. The linear engine
    /// refuses an automaton of more than 10,000 estimated nodes (elements plus one, times five when anchored); this
    /// bound keeps every accepted pattern at half of that.
    /// </summary>
    public const int MaxElements = 1000;

    /// <summary>Reads an RE2 pattern; linear in its length.</summary>
    /// <param name="pattern">The pattern as written in the route.</param>
    /// <returns>The .NET pattern, or the problem.</returns>
    public static Re2Translation Translate(string pattern)
    {
        Guard.NotNull(pattern);
        return new Translator(pattern).Run();
    }

    /// <summary>A sentence for diagnostics and conditions: what is wrong with the pattern, or null when it is valid.</summary>
    /// <param name="pattern">The pattern.</param>
    /// <returns>For example <c>lookahead "(?=" at offset 3 is not supported: RE2 ... has no lookaround</c>.</returns>
    public static string? Problem(string pattern)
    {
        var translation = Translate(pattern);
        return translation.IsValid ? null : translation.Problem + (translation.Offset >= 0 ? string.Create(CultureInfo.InvariantCulture, $" (at offset {translation.Offset})") : string.Empty);
    }

    private sealed class Translator(string pattern)
    {
        private const string Engines = "RE2, the linear-time engine of Envoy and of PolicyAttach";

        // The ASCII sets of RE2's Perl and POSIX classes, as 128-bit masks.
        private static readonly UInt128 Digits = Range('0', '9');
        private static readonly UInt128 Word = Range('0', '9') | Range('A', 'Z') | Range('a', 'z') | Bit('_');
        private static readonly UInt128 PerlSpace = Bit('\t') | Bit('\n') | Bit('\f') | Bit('\r') | Bit(' ');

        private static readonly HashSet<string> GeneralCategories = new(StringComparer.Ordinal)
        {
            "C", "Cc", "Cf", "Co", "Cs", "L", "Ll", "Lm", "Lo", "Lt", "Lu", "M", "Mc", "Me", "Mn", "N", "Nd", "Nl", "No",
            "P", "Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps", "S", "Sc", "Sk", "Sm", "So", "Z", "Zl", "Zp", "Zs",
        };

        private readonly StringBuilder _out = new(pattern.Length + 16);
        private readonly List<Frame> _frames = [new Frame(0, multiline: false)];
        private readonly HashSet<string> _names = new(StringComparer.Ordinal);
        private int _pos;
        private string? _problem;
        private int _problemAt = -1;

        // The element count of the last atom (what a quantifier repeats), or -1 when nothing can be repeated here.
        private long _lastAtom = -1;
        private int _lastAtomStart;
        private bool _afterQuantifier;

        private Frame Current => _frames[^1];

        public Re2Translation Run()
        {
            while (_pos < pattern.Length)
            {
                if (!Step())
                {
                    return new Re2Translation(null, _problem, _problemAt);
                }
            }

            return _frames.Count > 1
                ? new Re2Translation(null, "a group is not closed: \")\" is missing", _frames[^1].Start)
                : new Re2Translation(_out.ToString(), null, -1);
        }

        private bool Fail(string problem, int at)
        {
            _problem = problem;
            _problemAt = at;
            return false;
        }

        private bool Step()
        {
            var start = _pos;
            var c = pattern[_pos];
            switch (c)
            {
                case '\\':
                    return Escape();
                case '[':
                    return CharacterClass();
                case '(':
                    return OpenGroup();
                case ')':
                    return CloseGroup();
                case '|':
                    _pos++;
                    _out.Append('|');
                    _lastAtom = -1;
                    _afterQuantifier = false;
                    return true;
                case '*' or '+' or '?':
                    _pos++;

                    // As the linear engine estimates its automaton: + copies the atom twice, * and ? once.
                    return Quantifier(start, c == '+' ? 2 : 1);
                case '{' when TryRepeat(out var min, out var max):
                    if (min > MaxRepeat || max > MaxRepeat || (max >= 0 && min > max))
                    {
                        return Fail($"the repetition \"{pattern[start.._pos]}\" is not valid: counts must be at most {MaxRepeat} and the minimum at most the maximum", start);
                    }

                    // {n} and {n,m} copy the atom m (or n) times, {n,} n+1 times.
                    return Quantifier(start, max >= 0 ? max : min == 0 ? 1 : min + 1);
                case '.':
                    _pos++;
                    return Atom(".", 1, start);
                case '^':
                    _pos++;
                    return Atom("^", 0, start);
                case '$':
                    _pos++;

                    // RE2's $ without the m flag is the end of the text; .NET's would also match before a final newline.
                    return Atom(Current.Multiline ? "$" : @"\z", 0, start);
                default:
                    return Literal(start);
            }
        }

        private bool Atom(string text, long elements, int start)
        {
            _out.Append(text);
            Current.Elements = Add(Current.Elements, elements);
            _lastAtom = elements;
            _lastAtomStart = start;
            _afterQuantifier = false;
            return CheckSize(start);
        }

        private bool Quantifier(int start, long factor)
        {
            var text = pattern[start.._pos];
            if (_afterQuantifier)
            {
                return Fail($"the repetition operator \"{text}\" follows another one; RE2 refuses repeated repetition operators", start);
            }

            if (_lastAtom < 0)
            {
                return Fail($"the repetition operator \"{text}\" has nothing to repeat", start);
            }

            _out.Append(text);

            // A lazy suffix changes which match is found, never whether the whole value matches; it is kept as written.
            if (_pos < pattern.Length && pattern[_pos] == '?')
            {
                _out.Append('?');
                _pos++;
            }

            Current.Elements = Add(Current.Elements - _lastAtom, Multiply(_lastAtom, factor));
            _afterQuantifier = true;
            return CheckSize(_lastAtomStart);
        }

        private bool CheckSize(int at)
        {
            var total = 0L;
            foreach (var frame in _frames)
            {
                total = Add(total, frame.Elements);
            }

            return total <= MaxElements
                || Fail($"the pattern is too large once its counted repetitions are expanded (more than {MaxElements} characters and classes); use * or + instead of large counts, or split it", at);
        }

        /// <summary>Reads <c>{n}</c>, <c>{n,}</c> or <c>{n,m}</c>; anything else is a literal <c>{</c> in RE2 and in .NET alike.</summary>
        private bool TryRepeat(out int min, out int max)
        {
            min = max = -1;
            var i = _pos + 1;
            var n = ReadNumber(ref i);
            if (n < 0 || i >= pattern.Length)
            {
                return false;
            }

            var upper = n;
            if (pattern[i] == ',')
            {
                i++;
                upper = -1;
                if (i < pattern.Length && pattern[i] != '}')
                {
                    upper = ReadNumber(ref i);
                    if (upper < 0)
                    {
                        return false;
                    }
                }
            }

            if (i >= pattern.Length || pattern[i] != '}')
            {
                return false;
            }

            (min, max) = (n, upper);
            _pos = i + 1;
            return true;
        }

        private int ReadNumber(ref int i)
        {
            var start = i;
            var value = 0;
            while (i < pattern.Length && char.IsAsciiDigit(pattern[i]))
            {
                value = Math.Min((value * 10) + (pattern[i] - '0'), 1_000_000);
                i++;
            }

            return i == start ? -1 : value;
        }

        private bool OpenGroup()
        {
            var start = _pos;
            _pos++;
            var multiline = Current.Multiline;
            var opening = "(?:";
            if (_pos < pattern.Length && pattern[_pos] == '?')
            {
                _pos++;
                var next = _pos < pattern.Length ? pattern[_pos] : '\0';
                var after = _pos + 1 < pattern.Length ? pattern[_pos + 1] : '\0';
                switch (next)
                {
                    case ':':
                        _pos++;
                        break;
                    case '=' or '!':
                        return Fail($"lookahead \"(?{next}\" is not supported: {Engines}, has no lookaround", start);
                    case '<' when after is '=' or '!':
                        return Fail($"lookbehind \"(?<{after}\" is not supported: {Engines}, has no lookaround", start);
                    case '>':
                        return Fail($"atomic groups \"(?>\" are not supported by {Engines}", start);
                    case '(':
                        return Fail($"conditionals \"(?(\" are not supported by {Engines}", start);
                    case '#':
                        return Fail("comments \"(?#\" are not RE2 syntax", start);
                    case 'P' when after is '=' or '>':
                        return Fail($"\"(?P{after}\" (a named backreference or a recursion) is not supported: {Engines}, has neither", start);
                    case 'P' when after == '<':
                        _pos += 2;
                        if (!GroupName(start))
                        {
                            return false;
                        }

                        break;
                    case '<':
                        _pos++;
                        if (!GroupName(start))
                        {
                            return false;
                        }

                        break;
                    default:
                        if (!Flags(start, out var flags, out var text, out var scoped))
                        {
                            return false;
                        }

                        if (!scoped)
                        {
                            // (?flags) applies to the rest of the current group.
                            _out.Append(text);
                            Current.Multiline = flags;
                            _lastAtom = -1;
                            _afterQuantifier = false;
                            return true;
                        }

                        multiline = flags;
                        opening = text;
                        break;
                }
            }

            if (_frames.Count > MaxNesting)
            {
                return Fail($"groups are nested more than {MaxNesting} deep", start);
            }

            // Captures are never read (only whether the whole value matches), so every group is written non-capturing.
            _out.Append(opening);
            _frames.Add(new Frame(start, multiline));
            _lastAtom = -1;
            _afterQuantifier = false;
            return true;
        }

        private bool GroupName(int start)
        {
            var close = pattern.IndexOf('>', _pos);
            var name = close < 0 ? string.Empty : pattern[_pos..close];
            if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                return Fail("the group name is not valid: write letters, digits and \"_\" between \"<\" and \">\"", start);
            }

            if (!_names.Add(name))
            {
                return Fail($"the group name \"{name}\" is used twice", start);
            }

            _pos = close + 1;
            return true;
        }

        /// <summary>Reads <c>flags)</c> or <c>flags:</c> after <c>(?</c>: the multiline state they leave and the .NET text.</summary>
        private bool Flags(int start, out bool multiline, out string text, out bool scoped)
        {
            multiline = Current.Multiline;
            text = string.Empty;
            scoped = false;
            var on = new StringBuilder();
            var off = new StringBuilder();
            var negate = false;
            var any = false;
            while (_pos < pattern.Length)
            {
                var c = pattern[_pos++];
                switch (c)
                {
                    case 'i' or 'm' or 's':
                        (negate ? off : on).Append(c);
                        multiline = c == 'm' ? !negate : multiline;
                        any = true;
                        break;
                    case 'U':
                        // Ungreedy swaps greedy and lazy repetition, which never changes whether the whole value matches.
                        any = true;
                        break;
                    case '-' when !negate:
                        negate = true;
                        any = false;
                        break;
                    case ')' or ':' when any:
                        scoped = c == ':';
                        var flags = on.ToString() + (off.Length > 0 ? "-" + off : string.Empty);
                        text = flags.Length > 0 ? "(?" + flags + c : scoped ? "(?:" : string.Empty;
                        return true;
                    default:
                        return Fail($"\"{pattern[start.._pos]}\" is not RE2 syntax: the inline flags are i, m, s and U, as in (?i) or (?i:...)", start);
                }
            }

            return Fail("the group \"(?\" is not finished", start);
        }

        private bool CloseGroup()
        {
            var start = _pos;
            _pos++;
            if (_frames.Count == 1)
            {
                return Fail("\")\" closes no group", start);
            }

            var frame = _frames[^1];
            _frames.RemoveAt(_frames.Count - 1);
            _out.Append(')');
            Current.Elements = Add(Current.Elements, frame.Elements);
            _lastAtom = frame.Elements;
            _lastAtomStart = frame.Start;
            _afterQuantifier = false;
            return true;
        }

        private bool Literal(int start)
        {
            var c = pattern[_pos];
            if (char.IsHighSurrogate(c) && _pos + 1 < pattern.Length && char.IsLowSurrogate(pattern[_pos + 1]))
            {
                // One character of RE2 is two UTF-16 units here; grouped, so that a repetition applies to both.
                _pos += 2;
                return Atom("(?:" + Unit(c) + Unit(pattern[start + 1]) + ")", 2, start);
            }

            if (char.IsSurrogate(c))
            {
                return Fail("the pattern contains a lone UTF-16 surrogate, which is not a character", start);
            }

            _pos++;
            return Atom(Unit(c), 1, start);
        }

        private bool Escape()
        {
            var start = _pos;
            if (_pos + 1 >= pattern.Length)
            {
                return Fail("the pattern ends with a lone \"\\\"", start);
            }

            var c = pattern[_pos + 1];
            _pos += 2;
            switch (c)
            {
                case 'A':
                    return Atom(@"\A", 0, start);
                case 'z':
                    return Atom(@"\z", 0, start);
                case 'b' or 'B':
                    return Atom(c == 'b' ? @"\b" : @"\B", 0, start);
                case 'Z':
                    return Fail("\"\\Z\" is not RE2 syntax; use \"\\z\" (or \"$\") for the end of the text", start);
                case 'G':
                    return Fail($"\"\\G\" is not supported by {Engines}", start);
                case 'Q':
                    return Quoted(start);
            }

            return ClassEscape(start, c, inClass: false, out var item) && Atom(item.Text, item.Elements, start);
        }

        private bool Quoted(int start)
        {
            var end = pattern.IndexOf(@"\E", _pos, StringComparison.Ordinal);
            var text = end < 0 ? pattern[_pos..] : pattern[_pos..end];
            _pos = end < 0 ? pattern.Length : end + 2;
            if (text.Length == 0)
            {
                return true;
            }

            var units = new StringBuilder();
            foreach (var c in text)
            {
                units.Append(Unit(c));
            }

            return Atom(text.Length == 1 ? units.ToString() : "(?:" + units + ")", text.Length, start);
        }

        /// <summary>One escape or class item: .NET text, the single character it stands for, or an ASCII set.</summary>
        private readonly record struct Item(string Text, char? Single, UInt128? Set, bool NegatedSet, int Elements = 1);

        /// <summary>An escape after its backslash: a character, a Perl class or a Unicode class.</summary>
        private bool ClassEscape(int start, char c, bool inClass, out Item item)
        {
            item = default;
            switch (c)
            {
                case 'd' or 'D':
                    item = SetItem(Digits, c == 'D', inClass);
                    return true;
                case 'w' or 'W':
                    item = SetItem(Word, c == 'W', inClass);
                    return true;
                case 's' or 'S':
                    item = SetItem(PerlSpace, c == 'S', inClass);
                    return true;
                case 'p' or 'P':
                    return UnicodeClass(start, c == 'P', out item);
                case 'a' or 'f' or 't' or 'n' or 'r' or 'v':
                    item = Char(c switch { 'a' => '\a', 'f' => '\f', 't' => '\t', 'n' => '\n', 'r' => '\r', _ => '\v' });
                    return true;
                case 'x':
                    return Hex(start, inClass, out item);
                case >= '0' and <= '7' when c == '0' || (_pos < pattern.Length && pattern[_pos] is >= '0' and <= '7'):
                {
                    // Octal, up to three digits, as RE2 reads it (a lone \1 to \7 is a backreference).
                    var value = c - '0';
                    for (var i = 0; i < 2 && _pos < pattern.Length && pattern[_pos] is >= '0' and <= '7'; i++)
                    {
                        value = (value * 8) + (pattern[_pos++] - '0');
                    }

                    item = Char((char)value);
                    return true;
                }

                case (>= '1' and <= '9') or 'k' or 'g':
                    return Fail($"backreferences (\"\\{c}\") are not supported: {Engines}, has none", start);
                case 'C':
                    return Fail("\"\\C\" (any byte) is not supported", start);
                case 'b' or 'B' or 'A' or 'z' or 'Z' or 'G' or 'Q' or 'E' when inClass:
                    return Fail($"\"\\{c}\" cannot be used inside a character class", start);
                default:
                    if (c < 128 && !char.IsAsciiLetterOrDigit(c) && c != ' ' && !char.IsControl(c))
                    {
                        item = Char(c);
                        return true;
                    }

                    return Fail($"\"\\{c}\" is not an escape RE2 knows; escape only punctuation, or write the character itself", start);
            }
        }

        private bool Hex(int start, bool inClass, out Item item)
        {
            item = default;
            int value;
            if (_pos < pattern.Length && pattern[_pos] == '{')
            {
                var close = pattern.IndexOf('}', _pos);
                var digits = close < 0 ? string.Empty : pattern[(_pos + 1)..close];
                if (digits.Length is 0 or > 8 || !int.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value) || value > 0x10FFFF)
                {
                    return Fail("\"\\x{...}\" needs the hexadecimal code of a character, at most 10FFFF", start);
                }

                _pos = close + 1;
            }
            else if (_pos + 2 <= pattern.Length && char.IsAsciiHexDigit(pattern[_pos]) && char.IsAsciiHexDigit(pattern[_pos + 1]))
            {
                value = int.Parse(pattern.AsSpan(_pos, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
                _pos += 2;
            }
            else
            {
                return Fail("\"\\x\" needs two hexadecimal digits or \"{...}\"", start);
            }

            if (value is >= 0xD800 and <= 0xDFFF)
            {
                return Fail("\"\\x\" names a UTF-16 surrogate, which is not a character", start);
            }

            if (value <= 0xFFFF)
            {
                item = Char((char)value);
                return true;
            }

            if (inClass)
            {
                return Fail("characters above U+FFFF are not supported inside a character class here", start);
            }

            var text = char.ConvertFromUtf32(value);
            item = new Item("(?:" + Unit(text[0]) + Unit(text[1]) + ")", null, null, false, Elements: 2);
            return true;
        }

        private bool UnicodeClass(int start, bool negated, out Item item)
        {
            item = default;
            string name;
            if (_pos < pattern.Length && pattern[_pos] == '{')
            {
                var close = pattern.IndexOf('}', _pos);
                if (close < 0)
                {
                    return Fail("\"\\p{\" is not closed", start);
                }

                name = pattern[(_pos + 1)..close];
                _pos = close + 1;
            }
            else if (_pos < pattern.Length && char.IsAsciiLetter(pattern[_pos]))
            {
                name = pattern[_pos++].ToString();
            }
            else
            {
                return Fail("\"\\p\" needs a class name, as in \\pL or \\p{Lu}", start);
            }

            if (name.StartsWith('^'))
            {
                negated = !negated;
                name = name[1..];
            }

            if (!GeneralCategories.Contains(name))
            {
                return Fail($"the Unicode class \"{name}\" is not supported here: use a general category (L, Lu, Nd, P, ...); Unicode scripts are not available in PolicyAttach's engine", start);
            }

            item = new Item((negated ? @"\P{" : @"\p{") + name + "}", null, null, false);
            return true;
        }

        private static Item Char(char c) => new(Unit(c), c, null, false);

        private static Item SetItem(UInt128 set, bool negated, bool inClass)
            => new(inClass && !negated ? SetBody(set) : (negated ? "[^" : "[") + SetBody(set) + "]", null, set, negated);

        private bool CharacterClass()
        {
            var start = _pos;
            _pos++;
            var negated = _pos < pattern.Length && pattern[_pos] == '^';
            if (negated)
            {
                _pos++;
            }

            var body = new StringBuilder();
            var negatedSets = new List<UInt128>();
            var first = true;
            while (true)
            {
                if (_pos >= pattern.Length)
                {
                    return Fail("the character class is not closed: \"]\" is missing", start);
                }

                var c = pattern[_pos];
                if (c == ']' && !first)
                {
                    _pos++;
                    break;
                }

                first = false;
                if (c == '[' && _pos + 1 < pattern.Length && pattern[_pos + 1] == ':' && pattern.IndexOf(":]", _pos + 2, StringComparison.Ordinal) >= 0)
                {
                    if (!PosixClass(out var posix))
                    {
                        return false;
                    }

                    if (posix.NegatedSet)
                    {
                        negatedSets.Add(posix.Set!.Value);
                    }
                    else
                    {
                        body.Append(posix.Text);
                    }

                    continue;
                }

                if (!ClassItem(start, out var low))
                {
                    return false;
                }

                if (low.NegatedSet)
                {
                    negatedSets.Add(low.Set!.Value);
                    continue;
                }

                if (low.Single is { } from && _pos + 1 < pattern.Length && pattern[_pos] == '-' && pattern[_pos + 1] != ']')
                {
                    var rangeAt = _pos;
                    _pos++;
                    if (!ClassItem(start, out var high))
                    {
                        return false;
                    }

                    if (high.Single is not { } to || to < from)
                    {
                        return Fail("the character class range is not valid: write low-high with single characters, the lower first", rangeAt);
                    }

                    body.Append(Unit(from)).Append('-').Append(Unit(to));
                    continue;
                }

                body.Append(low.Text);
            }

            return Atom(ClassText(negated, body.ToString(), negatedSets), 1, start);
        }

        private static string ClassText(bool negated, string body, List<UInt128> negatedSets)
        {
            if (negatedSets.Count == 0)
            {
                return (negated ? "[^" : "[") + body + "]";
            }

            // \D, \W, \S and [:^name:] inside a class: everything outside the ASCII sets common to them joins the items.
            var common = negatedSets.Aggregate((a, b) => a & b);
            if (!negated)
            {
                var outside = "[^" + SetBody(common) + "]";
                return body.Length == 0 ? outside : "(?:" + outside + "|[" + body + "])";
            }

            // Neither an item nor outside the common set: the common set less the items (.NET class subtraction).
            if (common == UInt128.Zero)
            {
                return @"[^\u0000-\uFFFF]";
            }

            return body.Length == 0 ? "[" + SetBody(common) + "]" : "[" + SetBody(common) + "-[" + body + "]]";
        }

        private bool ClassItem(int classStart, out Item item)
        {
            item = default;
            var start = _pos;
            var c = pattern[_pos];
            if (c == '\\')
            {
                if (_pos + 1 >= pattern.Length)
                {
                    return Fail("the character class is not closed: \"]\" is missing", classStart);
                }

                var e = pattern[_pos + 1];
                _pos += 2;
                return ClassEscape(start, e, inClass: true, out item);
            }

            if (char.IsSurrogate(c))
            {
                return Fail(char.IsHighSurrogate(c) && _pos + 1 < pattern.Length && char.IsLowSurrogate(pattern[_pos + 1])
                    ? "characters above U+FFFF are not supported inside a character class here"
                    : "the pattern contains a lone UTF-16 surrogate, which is not a character", start);
            }

            _pos++;
            item = Char(c);
            return true;
        }

        private bool PosixClass(out Item item)
        {
            item = default;
            var start = _pos;
            var close = pattern.IndexOf(":]", _pos + 2, StringComparison.Ordinal);
            var name = pattern[(_pos + 2)..close];
            var negated = name.StartsWith('^');
            if (negated)
            {
                name = name[1..];
            }

            UInt128? set = name switch
            {
                "alnum" => Range('0', '9') | Range('A', 'Z') | Range('a', 'z'),
                "alpha" => Range('A', 'Z') | Range('a', 'z'),
                "ascii" => Range('\0', '\u007F'),
                "blank" => Bit('\t') | Bit(' '),
                "cntrl" => Range('\0', '\u001F') | Bit('\u007F'),
                "digit" => Digits,
                "graph" => Range('!', '~'),
                "lower" => Range('a', 'z'),
                "print" => Range(' ', '~'),
                "punct" => Range('!', '/') | Range(':', '@') | Range('[', '`') | Range('{', '~'),
                "space" => PerlSpace | Bit('\v'),
                "upper" => Range('A', 'Z'),
                "word" => Word,
                "xdigit" => Range('0', '9') | Range('A', 'F') | Range('a', 'f'),
                _ => null,
            };
            if (set is not { } found)
            {
                return Fail($"\"[:{name}:]\" is not a POSIX class RE2 knows", start);
            }

            _pos = close + 2;
            item = new Item(SetBody(found), null, found, negated);
            return true;
        }

        private static UInt128 Bit(char c) => UInt128.One << c;

        private static UInt128 Range(char from, char to)
        {
            var set = UInt128.Zero;
            for (var c = from; c <= to; c++)
            {
                set |= Bit(c);
            }

            return set;
        }

        /// <summary>The inside of a .NET class for an ASCII set: ranges of escaped units.</summary>
        private static string SetBody(UInt128 set)
        {
            var text = new StringBuilder();
            var c = 0;
            while (c < 128)
            {
                if ((set & (UInt128.One << c)) == UInt128.Zero)
                {
                    c++;
                    continue;
                }

                var end = c;
                while (end + 1 < 128 && (set & (UInt128.One << (end + 1))) != UInt128.Zero)
                {
                    end++;
                }

                text.Append(Unit((char)c));
                if (end > c)
                {
                    text.Append('-').Append(Unit((char)end));
                }

                c = end + 1;
            }

            return text.ToString();
        }

        /// <summary>One UTF-16 unit as .NET pattern text that stands for itself inside and outside a class.</summary>
        private static string Unit(char c)
            => char.IsAsciiLetterOrDigit(c) || c is '/' or '_' or ',' or ';' or ':' or '@' or '!' or '%' or '=' or '&' or '\'' or '"' or '<' or '>' or '~' or '`'
                ? c.ToString()
                : string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");

        private static long Add(long a, long b) => Math.Min(a + b, int.MaxValue);

        private static long Multiply(long a, long b) => a == 0 || b == 0 ? 0 : Math.Min(a * b, int.MaxValue);

        private sealed class Frame(int start, bool multiline)
        {
            public int Start { get; } = start;

            public long Elements { get; set; }

            public bool Multiline { get; set; } = multiline;
        }
    }
}
