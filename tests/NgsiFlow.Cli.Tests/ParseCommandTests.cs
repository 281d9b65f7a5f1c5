using System.Text.Json;
using System.Text.RegularExpressions;
using NgsiFlow.Cli.Tests.Infrastructure;

namespace NgsiFlow.Cli.Tests;

/// <summary><c>ngsiflow parse</c> on real broker notifications, checked against the notification bodies themselves.</summary>
public sealed class ParseCommandTests : IDisposable
{
    private readonly ScratchDirectory _scratch = new();

    public void Dispose() => _scratch.Dispose();

    private static string V2(string name) => TestFiles.Data("ngsiv2", name);

    private static string Ld(string name) => TestFiles.Data("ngsild", name);

    /// <summary>The body of a saved raw request: everything after the first blank line.</summary>
    private static JsonElement BodyOf(string requestPath)
    {
        var text = File.ReadAllText(requestPath);
        var blank = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var body = blank >= 0 ? text[(blank + 4)..] : text[(text.IndexOf("\n\n", StringComparison.Ordinal) + 2)..];
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static JsonElement BareBody(string path) => JsonDocument.Parse(File.ReadAllText(path)).RootElement.Clone();

    private static string HeaderOf(string requestPath, string name)
    {
        foreach (var line in File.ReadAllLines(requestPath))
        {
            if (line.Length == 0)
            {
                break;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line[..colon].Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return line[(colon + 1)..].Trim();
            }
        }

        throw new InvalidOperationException($"{requestPath} has no {name} header.");
    }

    private static async Task<JsonElement> ParseJsonAsync(params string[] args)
    {
        var result = await CliRunner.RunAsync(["parse", .. args, "--json"]);
        result.ExitCode.ShouldBe(0, result.ToString());
        result.Error.ShouldBeEmpty();
        return JsonDocument.Parse(result.Output).RootElement.Clone();
    }

    private static void ShouldHaveLine(string output, string pattern) =>
        Regex.IsMatch(output, pattern, RegexOptions.Multiline).ShouldBeTrue($"no line matching {pattern} in:\n{output}");

    /// <summary>Every entity and attribute of a v2 normalized body appears, in order, with its type and value.</summary>
    private static void ShouldMatchV2Normalized(JsonElement parsed, JsonElement body)
    {
        var expected = body.GetProperty("data").EnumerateArray().ToList();
        var actual = parsed.GetProperty("entities").EnumerateArray().ToList();
        actual.Count.ShouldBe(expected.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            actual[i].GetProperty("id").GetString().ShouldBe(expected[i].GetProperty("id").GetString());
            actual[i].GetProperty("type").GetString().ShouldBe(expected[i].GetProperty("type").GetString());
            var attrs = expected[i].EnumerateObject().Where(p => p.Name is not ("id" or "type")).ToList();
            var got = actual[i].GetProperty("attributes").EnumerateArray().ToList();
            got.Select(a => a.GetProperty("name").GetString()).ShouldBe(attrs.Select(a => a.Name));
            for (var j = 0; j < attrs.Count; j++)
            {
                got[j].GetProperty("type").GetString().ShouldBe(attrs[j].Value.GetProperty("type").GetString());
                JsonElement.DeepEquals(got[j].GetProperty("value"), attrs[j].Value.GetProperty("value"))
                    .ShouldBeTrue($"{attrs[j].Name}: {got[j].GetProperty("value")} vs {attrs[j].Value.GetProperty("value")}");
            }
        }
    }

    [Fact]
    public async Task Parse_orionWireNormalized_printsDefaultTenantRootPathSubscriptionAndEntity()
    {
        var result = await CliRunner.RunAsync("parse", V2("orion-wire-notification-normalized.http"));

        result.ExitCode.ShouldBe(0, result.ToString());
        result.Error.ShouldBeEmpty();
        ShouldHaveLine(result.Output, @"^Format:\s+NGSI-v2 normalized$");
        ShouldHaveLine(result.Output, @"^Tenant:\s+\(default\)$");
        ShouldHaveLine(result.Output, @"^Service path:\s+/$");
        ShouldHaveLine(result.Output, @"^Subscription:\s+5f0c8f1a2b3c4d5e6f708192$");
        ShouldHaveLine(result.Output, @"^Entity E1 \(type T\)$");
        ShouldHaveLine(result.Output, @"^\s+status\s+Number\s+= 22$");
    }

    [Fact]
    public async Task Parse_orionWireNormalizedAsJson_holdsHeadersAndEveryAttributeOfTheBody()
    {
        var path = V2("orion-wire-notification-normalized.http");

        var parsed = await ParseJsonAsync(path);

        parsed.GetProperty("format").GetString().ShouldBe("V2Normalized");
        parsed.GetProperty("tenant").GetString().ShouldBe(string.Empty);
        parsed.GetProperty("servicePath").GetString().ShouldBe(HeaderOf(path, "Fiware-ServicePath"));
        parsed.GetProperty("correlator").GetString().ShouldBe(HeaderOf(path, "Fiware-Correlator"));
        parsed.GetProperty("subscriptionId").GetString().ShouldBe(BodyOf(path).GetProperty("subscriptionId").GetString());
        ShouldMatchV2Normalized(parsed, BodyOf(path));
        var status = parsed.GetProperty("entities")[0].GetProperty("attributes")[0];
        status.GetProperty("name").GetString().ShouldBe("status");
        status.GetProperty("value").GetDouble().ShouldBe(22);
    }

    [Fact]
    public async Task Parse_bareJsonBody_readsEveryEntityWithDefaultTenantAndPath()
    {
        var path = V2("spec-notification-normalized.json");

        var text = await CliRunner.RunAsync("parse", path);
        var parsed = await ParseJsonAsync(path);

        text.ExitCode.ShouldBe(0, text.ToString());
        ShouldHaveLine(text.Output, @"\(JSON body\)$");
        ShouldHaveLine(text.Output, @"^Entities:\s+2$");
        ShouldHaveLine(text.Output, @"^Entity Room2 \(type Room\)$");
        ShouldHaveLine(text.Output, @"^\s+humidity\s+percentage\s+= 70$");
        parsed.GetProperty("format").GetString().ShouldBe("V2Normalized");
        parsed.GetProperty("tenant").GetString().ShouldBe(string.Empty);
        parsed.GetProperty("servicePath").GetString().ShouldBe("/");
        parsed.GetProperty("subscriptionId").GetString().ShouldBe("12345");
        parsed.GetProperty("correlator").ValueKind.ShouldBe(JsonValueKind.Null);
        ShouldMatchV2Normalized(parsed, BareBody(path));
    }

    [Fact]
    public async Task Parse_tenantHeadersInAnyCase_areRead()
    {
        var original = File.ReadAllText(V2("orion-wire-notification-normalized.http"));
        var request = original.Replace("Fiware-Servicepath: /\r\n", "fiware-service: smartcity\r\nFIWARE-SERVICEPATH: /garden/north\r\n", StringComparison.Ordinal);
        request.ShouldNotBe(original);
        var path = _scratch.Write("tenant.http", request);

        var parsed = await ParseJsonAsync(path);
        var text = await CliRunner.RunAsync("parse", path);

        parsed.GetProperty("tenant").GetString().ShouldBe("smartcity");
        parsed.GetProperty("servicePath").GetString().ShouldBe("/garden/north");
        ShouldHaveLine(text.Output, @"^Tenant:\s+smartcity$");
        ShouldHaveLine(text.Output, @"^Service path:\s+/garden/north$");
    }

    [Fact]
    public async Task Parse_orionWireKeyValues_keepsTheAttributeOrderOfTheBody()
    {
        var path = V2("orion-wire-notification-keyValues.http");
        var body = BodyOf(path).GetProperty("data")[0];

        var parsed = await ParseJsonAsync(path);

        parsed.GetProperty("format").GetString().ShouldBe("V2KeyValues");
        var entity = parsed.GetProperty("entities")[0];
        entity.GetProperty("id").GetString().ShouldBe(body.GetProperty("id").GetString());
        var expected = body.EnumerateObject().Where(p => p.Name is not ("id" or "type")).ToList();
        var attributes = entity.GetProperty("attributes").EnumerateArray().ToList();
        attributes.Select(a => a.GetProperty("name").GetString()).ShouldBe(expected.Select(p => p.Name));
        attributes.Select(a => a.GetProperty("value").GetDouble()).ShouldBe(expected.Select(p => p.Value.GetDouble()));
    }

    [Fact]
    public async Task Parse_valuesFormatWithAttrs_namesEachValue()
    {
        var path = V2("spec-notification-values.json");
        var rows = BareBody(path).GetProperty("data");

        var text = await CliRunner.RunAsync("parse", path, "--attrs", "temperature, humidity");
        var parsed = await ParseJsonAsync(path, "--attrs", "temperature,humidity");

        text.ExitCode.ShouldBe(0, text.ToString());
        ShouldHaveLine(text.Output, @"^Format:\s+NGSI-v2 values$");
        ShouldHaveLine(text.Output, $@"^\s+temperature\s+Number\s+= {rows[0][0].GetRawText()}$");
        ShouldHaveLine(text.Output, $@"^\s+humidity\s+Number\s+= {rows[0][1].GetRawText()}$");
        parsed.GetProperty("format").GetString().ShouldBe("V2Values");
        var entities = parsed.GetProperty("entities");
        entities.GetArrayLength().ShouldBe(rows.GetArrayLength());
        string[] names = ["temperature", "humidity"];
        for (var i = 0; i < rows.GetArrayLength(); i++)
        {
            var attributes = entities[i].GetProperty("attributes");
            attributes.GetArrayLength().ShouldBe(rows[i].GetArrayLength());
            for (var j = 0; j < rows[i].GetArrayLength(); j++)
            {
                attributes[j].GetProperty("name").GetString().ShouldBe(names[j]);
                attributes[j].GetProperty("value").GetDouble().ShouldBe(rows[i][j].GetDouble());
            }
        }
    }

    [Fact]
    public async Task Parse_orionWireValuesWithAttrs_readsTheWholeRow()
    {
        var path = V2("orion-wire-notification-values.http");
        var row = BodyOf(path).GetProperty("data")[0];
        string[] names = ["A1", "A2", "A3", "A4", "A5", "A6"];

        var parsed = await ParseJsonAsync(path, "--attrs", string.Join(',', names));

        parsed.GetProperty("subscriptionId").GetString().ShouldBe(BodyOf(path).GetProperty("subscriptionId").GetString());
        var attributes = parsed.GetProperty("entities")[0].GetProperty("attributes").EnumerateArray().ToList();
        attributes.Select(a => a.GetProperty("name").GetString()).ShouldBe(names);
        attributes.Select(a => a.GetProperty("value").GetDouble()).ShouldBe(row.EnumerateArray().Select(v => v.GetDouble()));
    }

    [Fact]
    public async Task Parse_valuesFormatWithTooFewAttrs_failsNamingThePath()
    {
        var result = await CliRunner.RunAsync("parse", V2("spec-notification-values.json"), "--attrs", "temperature");

        result.ExitCode.ShouldNotBe(0);
        result.Output.ShouldBeEmpty();
        result.Error.ShouldContain("$.data[0][1]");
    }

    [Fact]
    public async Task Parse_ngsiLdWireRequest_readsLinkContextAndEntity()
    {
        var path = Ld("orionld-wire-notification-normalized.http");
        var body = BodyOf(path);
        var link = HeaderOf(path, "Link");
        var contextUrl = link[1..link.IndexOf('>', StringComparison.Ordinal)];

        var text = await CliRunner.RunAsync("parse", path);
        var parsed = await ParseJsonAsync(path);

        text.ExitCode.ShouldBe(0, text.ToString());
        ShouldHaveLine(text.Output, @"^Format:\s+NGSI-LD normalized$");
        ShouldHaveLine(text.Output, $@"^@context:\s+.*{Regex.Escape(contextUrl)}.*\(Link header\)$");
        ShouldHaveLine(text.Output, @"^Entity urn:E1 \(type T\)$");
        parsed.GetProperty("format").GetString().ShouldBe("LdNormalized");
        parsed.GetProperty("subscriptionId").GetString().ShouldBe(body.GetProperty("subscriptionId").GetString());
        parsed.GetProperty("notifiedAt").GetString().ShouldBe(body.GetProperty("notifiedAt").GetString());
        var entity = parsed.GetProperty("entities")[0];
        var expected = body.GetProperty("data")[0];
        entity.GetProperty("id").GetString().ShouldBe(expected.GetProperty("id").GetString());
        entity.GetProperty("type").GetString().ShouldBe(expected.GetProperty("type").GetString());
        entity.GetProperty("entity").GetProperty("L").GetProperty("value").GetString().ShouldBe(expected.GetProperty("L").GetProperty("value").GetString());
    }

    [Fact]
    public async Task Parse_ngsiLdWithSubAttributes_keepsValuesObjectsAndUnits()
    {
        var path = Ld("orionld-notification-normalized-rich.json");
        var expected = BareBody(path).GetProperty("data")[0];

        var parsed = await ParseJsonAsync(path);

        var entity = parsed.GetProperty("entities")[0].GetProperty("entity");
        entity.GetProperty("id").GetString().ShouldBe(expected.GetProperty("id").GetString());
        foreach (var attribute in expected.EnumerateObject().Where(p => p.Name is not ("id" or "type")))
        {
            var got = entity.GetProperty(attribute.Name);
            got.GetProperty("type").GetString().ShouldBe(attribute.Value.GetProperty("type").GetString(), attribute.Name);
            foreach (var member in new[] { "value", "object", "unitCode", "observedAt" })
            {
                if (attribute.Value.TryGetProperty(member, out var want))
                {
                    JsonElement.DeepEquals(got.GetProperty(member), want).ShouldBeTrue($"{attribute.Name}.{member}: {got.GetProperty(member)} vs {want}");
                }
            }

            foreach (var sub in attribute.Value.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Object && p.Value.TryGetProperty("type", out _)))
            {
                var gotSub = got.GetProperty(sub.Name);
                gotSub.GetProperty("type").GetString().ShouldBe(sub.Value.GetProperty("type").GetString(), sub.Name);
                foreach (var member in new[] { "value", "object", "unitCode" })
                {
                    if (sub.Value.TryGetProperty(member, out var want))
                    {
                        JsonElement.DeepEquals(gotSub.GetProperty(member), want).ShouldBeTrue($"{attribute.Name}.{sub.Name}.{member}");
                    }
                }
            }
        }
    }

    [Fact]
    public async Task Parse_missingFile_failsNamingTheFile()
    {
        var path = _scratch.File("nothing-here.json");

        var result = await CliRunner.RunAsync("parse", path);

        result.ExitCode.ShouldNotBe(0);
        result.Output.ShouldBeEmpty();
        result.Error.ShouldContain(path);
    }

    [Fact]
    public async Task Parse_directoryInsteadOfFile_failsSayingItIsADirectory()
    {
        var result = await CliRunner.RunAsync("parse", _scratch.Path);

        result.ExitCode.ShouldNotBe(0);
        result.Error.ShouldContain(_scratch.Path);
        result.Error.ShouldContain("directory");
    }

    [Fact]
    public async Task Parse_malformedJson_failsNamingTheJsonPath()
    {
        var original = File.ReadAllText(V2("spec-notification-normalized.json"));
        // Room2's temperature loses its value: the error must point at that member, not just "bad JSON".
        var broken = Regex.Replace(original, @"""value"":\s*24,", @"""value"": ,");
        broken.ShouldNotBe(original);
        var path = _scratch.Write("broken.json", broken);

        var result = await CliRunner.RunAsync("parse", path);

        result.ExitCode.ShouldNotBe(0);
        result.Output.ShouldBeEmpty();
        result.Error.ShouldContain("$.data[1].temperature.value");
        result.Error.ShouldContain(path);
    }

    [Fact]
    public async Task Parse_entityWithoutId_failsNamingTheEntity()
    {
        var path = _scratch.Write("noid.json", """{"subscriptionId":"s","data":[{"id":"E1","type":"T"},{"type":"T","a":{"type":"Number","value":1}}]}""");

        var result = await CliRunner.RunAsync("parse", path);

        result.ExitCode.ShouldNotBe(0);
        result.Error.ShouldContain("$.data[1]");
        result.Error.ShouldContain("id");
    }

    [Fact]
    public async Task Parse_notJsonAtAll_fails()
    {
        var path = _scratch.Write("text.json", "this is not a notification\n");

        var result = await CliRunner.RunAsync("parse", path);

        result.ExitCode.ShouldNotBe(0);
        result.Output.ShouldBeEmpty();
        result.Error.ShouldContain(path);
    }

    [Fact]
    public async Task Parse_httpRequestWithoutBody_failsSayingTheBodyIsEmpty()
    {
        var path = _scratch.Write("nobody.http", "POST /notify HTTP/1.1\r\nHost: localhost:9997\r\nContent-Type: application/json\r\nNgsiv2-AttrsFormat: normalized\r\n\r\n");

        var result = await CliRunner.RunAsync("parse", path);

        result.ExitCode.ShouldNotBe(0);
        result.Output.ShouldBeEmpty();
        result.Error.ShouldContain(path);
        result.Error.ShouldContain("body");
    }

    [Fact]
    public async Task Parse_httpRequestCutInsideTheHeaders_failsNamingTheLine()
    {
        var path = _scratch.Write("cut.http", "POST /notify HTTP/1.1\r\nHost: localhost:9997\r\nContent-Type: application/json\r\n");

        var result = await CliRunner.RunAsync("parse", path);

        result.ExitCode.ShouldNotBe(0);
        result.Output.ShouldBeEmpty();
        result.Error.ShouldContain("line");
    }

    [Fact]
    public async Task Parse_unknownFormatOption_failsAndListsTheFormats()
    {
        var result = await CliRunner.RunAsync("parse", V2("spec-notification-values.json"), "--format", "Bogus");

        result.ExitCode.ShouldNotBe(0);
        result.Error.ShouldContain("Bogus");
        result.Error.ShouldContain(nameof(NgsiFlow.Ngsi.NotificationFormat.V2KeyValues));
    }

    [Fact]
    public async Task Parse_forcedFormat_overridesDetection()
    {
        // keyValues forced on a normalized body: each attribute becomes a structured value holding type/value/metadata.
        var path = V2("orion-wire-notification-normalized.http");

        var parsed = await ParseJsonAsync(path, "--format", "V2KeyValues");

        parsed.GetProperty("format").GetString().ShouldBe("V2KeyValues");
        var value = parsed.GetProperty("entities")[0].GetProperty("attributes")[0].GetProperty("value");
        value.ValueKind.ShouldBe(JsonValueKind.Object);
        JsonElement.DeepEquals(value, BodyOf(path).GetProperty("data")[0].GetProperty("status")).ShouldBeTrue(value.GetRawText());
    }

    [Theory]
    [InlineData("lf")]
    [InlineData("bom")]
    public async Task Parse_requestSavedByAnEditor_isStillARequest(string variant)
    {
        // Line ends reduced to LF, or a UTF-8 byte order mark in front: both happen when a request is saved by hand.
        var original = await File.ReadAllBytesAsync(V2("orion-wire-notification-normalized.http"));
        byte[] bytes = variant == "lf"
            ? [.. original.Where(b => b != (byte)'\r')]
            : [0xEF, 0xBB, 0xBF, .. original];
        var path = _scratch.File(variant + ".http");
        await File.WriteAllBytesAsync(path, bytes);

        var text = await CliRunner.RunAsync("parse", path);
        var parsed = await ParseJsonAsync(path);

        text.ExitCode.ShouldBe(0, text.ToString());
        ShouldHaveLine(text.Output, @"\(HTTP request POST /notify\)$");
        parsed.GetProperty("correlator").GetString().ShouldBe(HeaderOf(V2("orion-wire-notification-normalized.http"), "Fiware-Correlator"));
        ShouldMatchV2Normalized(parsed, BodyOf(V2("orion-wire-notification-normalized.http")));
    }

    [Fact]
    public async Task Parse_bareJsonWithByteOrderMark_parses()
    {
        var path = _scratch.File("bom.json");
        await File.WriteAllBytesAsync(path, [0xEF, 0xBB, 0xBF, .. await File.ReadAllBytesAsync(V2("spec-notification-normalized.json"))]);

        var parsed = await ParseJsonAsync(path);

        ShouldMatchV2Normalized(parsed, BareBody(V2("spec-notification-normalized.json")));
    }

    [Fact]
    public async Task Parse_customNotification_printsTheRawBodyAndTenant()
    {
        // An httpCustom payload that is not JSON: Orion marks it with Ngsiv2-AttrsFormat: custom.
        const string payload = "Room1 temperature=23.5 humidity=70";
        var path = _scratch.Write("custom.http", $"POST /ingest HTTP/1.1\r\nHost: localhost:9997\r\nContent-Type: text/plain\r\nFiware-Service: smartcity\r\nNgsiv2-AttrsFormat: custom\r\n\r\n{payload}");

        var text = await CliRunner.RunAsync("parse", path);
        var parsed = await ParseJsonAsync(path);

        text.ExitCode.ShouldBe(0, text.ToString());
        ShouldHaveLine(text.Output, $"^{Regex.Escape(payload)}$");
        ShouldHaveLine(text.Output, @"^Content type:\s+text/plain$");
        parsed.GetProperty("format").GetString().ShouldBe("V2Custom");
        parsed.GetProperty("tenant").GetString().ShouldBe("smartcity");
        parsed.GetProperty("body").GetString().ShouldBe(payload);
        parsed.GetProperty("entities").GetArrayLength().ShouldBe(0);
    }
}
