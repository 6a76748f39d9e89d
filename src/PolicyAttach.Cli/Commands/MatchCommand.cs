using System.Globalization;
using System.Text;
using PolicyAttach.Binding;
using PolicyAttach.Cli.CommandLine;
using PolicyAttach.Cli.Input;
using PolicyAttach.Cli.Matching;
using PolicyAttach.Cli.Output;
using PolicyAttach.Kubernetes.Documents;
using PolicyAttach.Matching;
using PolicyAttach.Policies;

namespace PolicyAttach.Cli.Commands;

/// <summary><c>policyattach match</c>: which listener, route, rule and backends handle a request, and what filters do to it.</summary>
internal sealed class MatchCommand : ICommand
{
    private static readonly OutputFormat[] Formats = [OutputFormat.Json, OutputFormat.Text, OutputFormat.Yaml];

    /// <inheritdoc />
    public string Name => "match";

    /// <inheritdoc />
    public string Summary => "Match requests: listener, route, rule, backends, filter effects, policies.";

    /// <inheritdoc />
    public string Synopsis =>
        "policyattach match PATH... --requests FILE|- [-o json|text|yaml] [options]\n"
        + "       policyattach match PATH... (--gateway NS/NAME | --service NS/NAME [--client-namespace NS] | --ingress-class NAME) [--port N]\n"
        + "                          [--host H] [--path P] [--method M] [--header NAME:VALUE]... [--protocol P] [--sni S]";

    /// <inheritdoc />
    public string Description =>
        "Evaluates the manifests, then answers requests as a conformant controller's data plane would route them.\n"
        + "With --requests, FILE (or - for standard input) holds JSON lines, one request each:\n"
        + "  {\"id\":\"r1\",\"gateway\":{\"namespace\":\"NS\",\"name\":\"GW\"},\"port\":80,\"protocol\":\"http\",\"sni\":null,\n"
        + "   \"method\":\"GET\",\"host\":\"example.com\",\"path\":\"/v2?x=1\",\"headers\":[[\"version\",\"two\"]],\"grpc\":null}\n"
        + "(mesh: \"service\":{…} and \"clientNamespace\" instead of \"gateway\"; gRPC: \"grpc\":{\"service\":…,\"method\":…};\n"
        + "Ingress: \"ingressClass\":\"NAME\" instead of \"gateway\", matched with the Ingress rules of that class on port 80 or 443),\n"
        + "and standard output gets one JSON line per request, in input order: outcome (routed, notRouted, misdirected,\n"
        + "redirect, noBackend, answered), statusCode, grpcStatus, listener, route, rule, backends, request (as forwarded\n"
        + "after filters), responseHeaders, redirect, mirrors and policies (the effective policies of the rule, by\n"
        + "group/Kind). A line that cannot be answered is reported on standard error with its line number, gets\n"
        + "{\"outcome\":\"error\",\"error\":…} and makes the exit status 1; the other lines are still answered.\n"
        + "Without --requests, the flags describe one request and the answer is printed as text (default), JSON or YAML.\n"
        + "With -o yaml, each answer is a YAML document (---), the same data as the JSON. -n NS is the namespace of a\n"
        + "--gateway or --service given as NAME alone (default: default).\n"
        + "Protocols: " + string.Join(", ", MatchRequest.ProtocolNames) + ". The port defaults to 80 (443 for https and tls).";

    /// <inheritdoc />
    public IReadOnlyList<OptionSpec> Options { get; } = CommonOptions.Standard(
        [
            new("requests", "FILE", "JSON lines of requests, or - for standard input.") { Completion = ValueCompletion.Files },
            new("gateway", "NS/NAME", "One request: the Gateway it is sent to."),
            new("service", "NS/NAME", "One request: the mesh Service it is sent to."),
            new("client-namespace", "NS", "One mesh request: the namespace of the calling client."),
            new("ingress-class", "NAME", "One request: the IngressClass whose Ingresses answer it (Ingress rules, port 80 or 443)."),
            new("port", "N", "One request: the destination port."),
            new("host", "H", "One request: the Host header (may carry a port)."),
            new("path", "P", "One request: the path with an optional ?query (default /)."),
            new("method", "M", "One request: the method (default GET)."),
            new("header", "NAME:VALUE", "One request: a request header.", Repeatable: true),
            new("protocol", "P", "One request: " + string.Join(", ", MatchRequest.ProtocolNames) + " (default http).") { Choices = MatchRequest.ProtocolNames },
            new("sni", "S", "One request: the TLS server name."),
        ],
        CommonOptions.Output("json (default with --requests), text (default for one request) or yaml.", "json", "text", "yaml"),
        [CommonOptions.Namespace with { Description = "The namespace of --gateway or --service given as NAME alone (default: default)." }]);

    private static readonly string[] SingleRequestOptions = ["gateway", "service", "client-namespace", "ingress-class", "port", "host", "path", "method", "header", "protocol", "sni"];

    /// <inheritdoc />
    public int Execute(ParsedArguments args, CliContext context)
    {
        var requestsPath = args.Get("requests");
        var single = SingleRequestOptions.Where(o => args.GetAll(o).Count > 0).ToList();
        MatchRequest? oneRequest = null;
        string? error;
        if (requestsPath is not null)
        {
            if (single.Count > 0)
            {
                return context.UsageError($"--requests cannot be combined with --{single[0]}", Name);
            }

            if (requestsPath == "-" && (args.Positionals.Contains("-") || args.GetAll(CommonOptions.Filename.Name).Contains("-")))
            {
                return context.UsageError("standard input cannot hold both the manifests and the requests", Name);
            }

            if (requestsPath != "-" && !File.Exists(requestsPath))
            {
                return context.UsageError("no such file: " + requestsPath, Name);
            }
        }
        else if (!TryBuildRequest(args, out oneRequest, out error))
        {
            return context.UsageError(error!, Name);
        }

        var fallback = requestsPath is null ? OutputFormat.Text : OutputFormat.Json;
        if (!OutputFormats.TryParse(args.Get("output"), fallback, Formats, out var format, out error)
            || !Profiles.TryResolve(args.Get("profile"), out var profile, out error))
        {
            return context.UsageError(error!, Name);
        }

        if (!InputOptions.TryRead(args, args.Positionals.Count, out var input, out error)
            || !Workspace.TryLoadFor(input, args, context, profile, out var workspace, out var controllers, out error))
        {
            return context.UsageError(error!, Name);
        }

        var session = new MatchSession(Evaluator.Evaluate(workspace.Snapshot, Profiles.Options(controllers, profile)));
        var failed = false;
        if (oneRequest is not null)
        {
            var answer = session.Answer(oneRequest);
            context.Out(format switch
            {
                OutputFormat.Text => MatchText.Write(answer),
                OutputFormat.Yaml => ManifestText.ToYaml(MatchJson.Write(answer)),
                _ => MatchJson.Write(answer),
            });
            if (answer.Error is { } e)
            {
                context.Err("policyattach: error: " + e);
                failed = true;
            }
        }
        else
        {
            failed = AnswerAll(session, requestsPath!, format, context);
        }

        return failed ? ExitCodes.InputErrors : workspace.ExitCode;
    }

    private static bool AnswerAll(MatchSession session, string path, OutputFormat format, CliContext context)
    {
        using var reader = path == "-" ? null : new StreamReader(path);
        var input = reader ?? context.Stdin;
        var failed = false;
        var lineNumber = 0;
        var first = true;
        var buffer = new StringBuilder();
        while (ReadLine(input, buffer, out var tooLong) is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line) && !tooLong)
            {
                continue;
            }

            string? error;
            if (tooLong)
            {
                error = string.Create(CultureInfo.InvariantCulture, $"the line is longer than {MaxRequestLine} characters; a request is one JSON object on one line");
                var answer = new MatchAnswer { Error = error, Outcome = "error" };
                if (!first && format != OutputFormat.Json)
                {
                    context.Stdout.Write('\n');
                }

                context.Out(format == OutputFormat.Json ? MatchJson.Write(answer) : MatchText.Write(answer));
            }
            else if (format == OutputFormat.Json)
            {
                context.Stdout.Write(session.AnswerLine(line, out error));
                context.Stdout.Write('\n');
            }
            else if (format == OutputFormat.Yaml)
            {
                context.Stdout.Write("---\n");
                context.Out(ManifestText.ToYaml(session.AnswerLine(line, out error)));
            }
            else
            {
                MatchAnswer answer;
                if (MatchRequest.TryParse(line, out var request, out error))
                {
                    answer = session.Answer(request);
                    error = answer.Error;
                }
                else
                {
                    answer = new MatchAnswer { IdJson = request.IdJson, Error = error, Outcome = "error" };
                }

                if (!first)
                {
                    context.Stdout.Write('\n');
                }

                context.Out(MatchText.Write(answer));
            }

            first = false;
            if (error is not null)
            {
                failed = true;
                context.Err(string.Create(CultureInfo.InvariantCulture, $"{path}:{lineNumber}:1: error: {error}"));
            }
        }

        return failed;
    }

    /// <summary>The longest request line read; a longer one is answered with an error, and the next lines still are.</summary>
    internal const int MaxRequestLine = 1 << 20;

    /// <summary>The next line (without its end), or null at the end; a line past the limit is skipped to its end.</summary>
    private static string? ReadLine(TextReader input, StringBuilder buffer, out bool tooLong)
    {
        buffer.Clear();
        tooLong = false;
        int c;
        while ((c = input.Read()) >= 0)
        {
            if (c == '\n')
            {
                break;
            }

            if (buffer.Length < MaxRequestLine)
            {
                buffer.Append((char)c);
            }
            else
            {
                tooLong = true;
            }
        }

        if (c < 0 && buffer.Length == 0 && !tooLong)
        {
            return null;
        }

        if (buffer.Length > 0 && buffer[^1] == '\r')
        {
            buffer.Length--;
        }

        return tooLong ? string.Empty : buffer.ToString();
    }

    private static bool TryBuildRequest(ParsedArguments args, out MatchRequest? request, out string? error)
    {
        request = null;
        error = null;
        var gateway = args.Get("gateway");
        var service = args.Get("service");
        var ingressClass = args.Get("ingress-class");
        var given = new[] { gateway, service, ingressClass }.Count(v => v is not null);
        if (given != 1)
        {
            error = given == 0
                ? "give --requests FILE, or one request with --gateway NS/NAME (or --service NS/NAME for a mesh, --ingress-class NAME for Ingresses)"
                : ingressClass is null ? "give either --gateway or --service, not both" : "give one of --gateway, --service and --ingress-class";
            return false;
        }

        var target = gateway is not null ? MatchTarget.Gateway : service is not null ? MatchTarget.Service : MatchTarget.Ingress;
        string ns = "default", name = string.Empty;
        if (target == MatchTarget.Ingress)
        {
            if (ingressClass!.Length == 0)
            {
                error = "--ingress-class needs a class name";
                return false;
            }
        }
        else
        {
            var targetText = gateway ?? service!;
            var slash = targetText.IndexOf('/', StringComparison.Ordinal);
            (ns, name) = slash < 0 ? (args.Get(CommonOptions.Namespace.Name) ?? "default", targetText) : (targetText[..slash], targetText[(slash + 1)..]);
            if (name.Length == 0 || ns.Length == 0 || name.Contains('/', StringComparison.Ordinal))
            {
                error = $"--{(gateway is not null ? "gateway" : "service")} '{targetText}' is not NAMESPACE/NAME";
                return false;
            }
        }

        if (target != MatchTarget.Service && args.Get("client-namespace") is not null)
        {
            error = "--client-namespace applies to mesh requests (--service)";
            return false;
        }

        var protocol = RequestProtocol.Http;
        if (args.Get("protocol") is { } protocolName && !MatchRequest.TryParseProtocol(protocolName, out protocol))
        {
            error = $"unknown protocol '{protocolName}'; use one of: {string.Join(", ", MatchRequest.ProtocolNames)}";
            return false;
        }

        var host = args.Get("host") ?? string.Empty;
        int port;
        if (args.Get("port") is { } portText)
        {
            if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
            {
                error = $"--port '{portText}' is not a port number";
                return false;
            }
        }
        else
        {
            port = MatchRequest.DefaultPort(target, protocol, host);
        }

        var headers = new List<RequestHeader>();
        foreach (var header in args.GetAll("header"))
        {
            var colon = header.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                error = $"--header '{header}' is not NAME:VALUE";
                return false;
            }

            headers.Add(new RequestHeader(header[..colon].Trim(), header[(colon + 1)..].Trim()));
        }

        var path = args.Get("path") ?? "/";
        request = new MatchRequest
        {
            Target = target,
            Namespace = ns,
            Name = name,
            IngressClass = ingressClass,
            ClientNamespace = args.Get("client-namespace"),
            Protocol = protocol,
            Port = port,
            Sni = args.Get("sni"),
            Method = args.Get("method") ?? (protocol == RequestProtocol.Grpc ? "POST" : "GET"),
            Host = host,
            Path = path.Length == 0 ? "/" : path,
            Headers = [.. headers],
        };
        return true;
    }
}
