using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace NgsiFlow.Broker.Tests.Infrastructure;

/// <summary>
/// Replays request/response pairs kept in TestData/manual/*.json (taken from Orion's API manual) against a broker
/// and compares status, headers and bodies. A case is a list of steps run in a fresh tenant; "*" in an expected
/// value matches anything; <c>{{name}}</c> is replaced by a value captured earlier (<c>captureLocation</c>) or by
/// <c>{{receiver}}</c>, the notification receiver's URL. A step <c>{"receiver": "stop"}</c> or <c>"start"</c> takes the
/// receiver down or back up on its port; <c>"drain": true</c> waits for the notifications a request triggered.
/// </summary>
public static partial class ManualReplay
{
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "TestData", "manual");

    /// <summary>Every case as (file, case name), for xUnit's MemberData.</summary>
    public static IEnumerable<object[]> Cases() =>
        System.IO.Directory.GetFiles(Directory, "*.json").Order(StringComparer.Ordinal)
            .SelectMany(file => JsonNode.Parse(File.ReadAllText(file))!["cases"]!.AsArray()
                .Select(c => new object[] { Path.GetFileNameWithoutExtension(file), c!["name"]!.GetValue<string>() }));

    public static async Task RunAsync(HttpClient client, NotificationReceiver receiver, Func<Task> drainNotifications, string tenant, string file, string caseName)
    {
        var document = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(Directory, file + ".json")))!;
        var testCase = document["cases"]!.AsArray().Single(c => c!["name"]!.GetValue<string>() == caseName)!;
        var captures = new Dictionary<string, string>(StringComparer.Ordinal) { ["receiver"] = receiver.Url.ToString().TrimEnd('/') };
        var stepNumber = 0;
        var expectedNotifications = 0;
        foreach (var step in testCase["steps"]!.AsArray())
        {
            stepNumber++;
            var where = $"{file} / {caseName} / step {stepNumber}";
            if (step!["receiver"] is JsonNode receiverAction)
            {
                // Orion's "Stop accumulator" / "Start accumulator": the receiver goes down or comes back on its port.
                await (receiverAction.GetValue<string>() == "stop" ? receiver.StopAsync() : receiver.RestartAsync());
                continue;
            }

            var request = step["request"]!;
            using var message = BuildRequest(request, tenant, captures);
            using var response = await client.SendAsync(message);
            var text = await response.Content.ReadAsStringAsync();
            if (step["drain"] is JsonNode { } drain && drain.GetValue<bool>())
            {
                // The notifications this request triggered have been delivered or have failed.
                await drainNotifications();
            }

            var expected = step["response"];
            if (expected is not null)
            {
                ((int)response.StatusCode).ShouldBe(expected["status"]!.GetValue<int>(), $"{where}: status; body {text}");
                if (expected["headers"] is JsonObject headers)
                {
                    foreach (var (name, value) in headers)
                    {
                        var actual = response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values)
                            : response.Content.Headers.TryGetValues(name, out var contentValues) ? string.Join(", ", contentValues) : null;
                        if (value is null)
                        {
                            actual.ShouldBeNull($"{where}: header {name} must be absent");
                            continue;
                        }

                        actual.ShouldNotBeNull($"{where}: header {name} missing");
                        var wanted = Substitute(value.GetValue<string>(), captures);
                        if (wanted != "*")
                        {
                            actual.ShouldBe(wanted, $"{where}: header {name}");
                        }
                    }
                }

                if (expected["bodyText"] is JsonNode bodyText)
                {
                    text.ShouldBe(Substitute(bodyText.GetValue<string>(), captures), $"{where}: body");
                }
                else if (expected.AsObject().ContainsKey("body"))
                {
                    var wanted = expected["body"];
                    if (wanted is null)
                    {
                        text.ShouldBeEmpty($"{where}: body must be empty");
                    }
                    else
                    {
                        var actualJson = JsonNode.Parse(text);
                        Match(JsonNode.Parse(Substitute(wanted.ToJsonString(), captures)), actualJson, where + ": body " + text);
                    }
                }
            }

            if (step["captureLocation"] is JsonNode capture)
            {
                captures[capture.GetValue<string>()] = response.Headers.Location!.ToString().Split('?')[0].Split('/').Last();
            }

            if (step["notifications"] is JsonArray notifications)
            {
                expectedNotifications += notifications.Count;
                var received = await receiver.WaitForAsync(expectedNotifications);
                await drainNotifications();
                var fresh = received.Skip(expectedNotifications - notifications.Count).Take(notifications.Count).ToList();
                for (var i = 0; i < notifications.Count; i++)
                {
                    var wanted = notifications[i]!;
                    var got = fresh[i];
                    if (wanted["method"] is JsonNode method)
                    {
                        got.Method.ShouldBe(method.GetValue<string>(), $"{where}: notification method");
                    }

                    if (wanted["path"] is JsonNode path)
                    {
                        got.PathAndQuery.ShouldBe(Substitute(path.GetValue<string>(), captures), $"{where}: notification path");
                    }

                    if (wanted["headers"] is JsonObject headers)
                    {
                        foreach (var (name, value) in headers)
                        {
                            var actual = got.Header(name);
                            if (value is null)
                            {
                                actual.ShouldBeNull($"{where}: notification header {name} must be absent");
                                continue;
                            }

                            var expectedValue = Substitute(value.GetValue<string>(), captures);
                            actual.ShouldNotBeNull($"{where}: notification header {name} missing");
                            if (expectedValue != "*")
                            {
                                actual.ShouldBe(expectedValue, $"{where}: notification header {name}");
                            }
                        }
                    }

                    if (wanted["bodyText"] is JsonNode bodyText)
                    {
                        got.Body.ShouldBe(Substitute(bodyText.GetValue<string>(), captures), $"{where}: notification body");
                    }
                    else if (wanted["body"] is JsonNode body)
                    {
                        Match(JsonNode.Parse(Substitute(body.ToJsonString(), captures)), JsonNode.Parse(got.Body), $"{where}: notification body {got.Body}");
                    }
                }
            }
        }
    }

    private static HttpRequestMessage BuildRequest(JsonNode request, string tenant, Dictionary<string, string> captures)
    {
        var method = new HttpMethod(request["method"]!.GetValue<string>());
        var path = Substitute(request["path"]!.GetValue<string>(), captures);
        var message = new HttpRequestMessage(method, path.TrimStart('/'));
        var headers = request["headers"] as JsonObject;
        string? body = null;
        if (request["bodyText"] is JsonNode bodyText)
        {
            body = Substitute(bodyText.GetValue<string>(), captures);
        }
        else if (request["body"] is JsonNode json)
        {
            body = Substitute(json.ToJsonString(), captures);
        }
        else if (request["largeBodyBytes"] is JsonNode size)
        {
            var length = size.GetValue<int>();
            var prefix = "{\"id\":\"Big\",\"type\":\"T\",\"a\":{\"value\":\"";
            body = prefix + new string('x', length - prefix.Length - 3) + "\"}}";
        }

        if (body is not null)
        {
            message.Content = new StringContent(body, Encoding.UTF8);
            var contentType = headers?["Content-Type"]?.GetValue<string>() ?? "application/json";
            message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        else if (headers?["Content-Type"] is JsonNode emptyType)
        {
            message.Content = new ByteArrayContent([]);
            message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(emptyType.GetValue<string>());
        }

        var tenantSet = false;
        if (headers is not null)
        {
            foreach (var (name, value) in headers)
            {
                if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                if (name.Equals("Fiware-Service", StringComparison.OrdinalIgnoreCase))
                {
                    tenantSet = true;
                    message.Headers.TryAddWithoutValidation(name, Substitute(value!.GetValue<string>(), captures).Replace("{tenant}", tenant, StringComparison.Ordinal));
                    continue;
                }

                message.Headers.TryAddWithoutValidation(name, Substitute(value!.GetValue<string>(), captures));
            }
        }

        if (!tenantSet)
        {
            message.Headers.TryAddWithoutValidation("Fiware-Service", tenant);
        }

        return message;
    }

    private static string Substitute(string text, Dictionary<string, string> captures) =>
        Placeholder().Replace(text, m => captures.TryGetValue(m.Groups[1].Value, out var value) ? value : m.Value);

    /// <summary>Deep JSON comparison: object members in any order, arrays in order, "*" matches any value.</summary>
    public static void Match(JsonNode? expected, JsonNode? actual, string where)
    {
        if (expected is JsonValue value && value.TryGetValue<string>(out var s) && s == "*")
        {
            actual.ShouldNotBeNull(where);
            return;
        }

        switch (expected)
        {
            case null:
                actual.ShouldBeNull(where);
                break;
            case JsonObject obj:
                var actualObj = actual.ShouldBeOfType<JsonObject>(where);
                actualObj.Select(p => p.Key).Order(StringComparer.Ordinal).ShouldBe(obj.Select(p => p.Key).Order(StringComparer.Ordinal), where);
                foreach (var (name, child) in obj)
                {
                    Match(child, actualObj[name], where + " ." + name);
                }

                break;
            case JsonArray array:
                var actualArray = actual.ShouldBeOfType<JsonArray>(where);
                actualArray.Count.ShouldBe(array.Count, where);
                for (var i = 0; i < array.Count; i++)
                {
                    Match(array[i], actualArray[i], where + $"[{i}]");
                }

                break;
            default:
                JsonNode.DeepEquals(expected, actual).ShouldBeTrue($"{where}: expected {expected.ToJsonString()}, got {actual?.ToJsonString()}");
                break;
        }
    }

    [GeneratedRegex(@"\{\{([A-Za-z0-9_]+)\}\}")]
    private static partial Regex Placeholder();
}
