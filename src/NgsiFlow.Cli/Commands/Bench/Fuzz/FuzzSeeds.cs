namespace NgsiFlow.Cli.Commands.Bench.Fuzz;

/// <summary>The valid inputs the fuzz cases start from: every notification format, entities, the broker's write bodies.</summary>
internal static class FuzzSeeds
{
    public static IReadOnlyList<byte[]> Notifications { get; } =
    [
        """{"subscriptionId":"57458eb60962ef754e7c0998","data":[{"id":"Room1","type":"Room","temperature":{"type":"Number","value":23.5,"metadata":{"accuracy":{"type":"Number","value":0.1}}},"name":{"type":"Text","value":"Kitchen ü"},"location":{"type":"geo:json","value":{"type":"Point","coordinates":[-3.69,40.41]}}}]}"""u8.ToArray(),
        """{"subscriptionId":"s2","data":[{"id":"Room1","type":"Room","temperature":23.5,"pressure":720},{"id":"Room2","type":"Room","temperature":21,"on":true,"tags":["a","b"]}]}"""u8.ToArray(),
        """{"id":"urn:ngsi-ld:Notification:1","type":"Notification","subscriptionId":"urn:ngsi-ld:Subscription:1","notifiedAt":"2026-01-01T00:00:00.000Z","data":[{"id":"urn:ngsi-ld:Room:1","type":"Room","temperature":{"type":"Property","value":23.5,"unitCode":"CEL","observedAt":"2026-01-01T00:00:00Z"},"isIn":{"type":"Relationship","object":"urn:ngsi-ld:Building:1"}}]}"""u8.ToArray(),
    ];

    public static IReadOnlyList<byte[]> Entities { get; } =
    [
        """{"id":"Room1","type":"Room","temperature":{"type":"Number","value":23.5},"seen":{"type":"DateTime","value":"2026-01-01T00:00:00Z"}}"""u8.ToArray(),
    ];

    public static (HttpMethod Method, string Path)[] BrokerEndpoints { get; } =
    [
        (HttpMethod.Post, "v2/entities?options=upsert"),
        (HttpMethod.Patch, "v2/entities/F1/attrs"),
        (HttpMethod.Post, "v2/op/update"),
        (HttpMethod.Post, "v2/subscriptions"),
        (HttpMethod.Post, "v2/op/query"),
        (HttpMethod.Put, "v2/entities/F1/attrs/temperature"),
        (HttpMethod.Post, "v2/registrations"),
        (HttpMethod.Post, "v2/op/notify"),
        (HttpMethod.Post, "v2/entities/F1/attrs"),
        (HttpMethod.Put, "v2/entities/F1/attrs"),
        (HttpMethod.Put, "v2/entities/F1/attrs/temperature/value"),

        // {subscription} is the id of a subscription the target makes before the first case.
        (HttpMethod.Patch, "v2/subscriptions/{subscription}"),

        // The last two take their case as a query string: every filter, paging and rendering parameter.
        (HttpMethod.Get, "v2/entities?"),
        (HttpMethod.Get, "v2/subscriptions?"),
        (HttpMethod.Get, "v2/entities?"),
        (HttpMethod.Post, "v2/entities?options=upsert"),
    ];

    /// <summary>One body per entry of <see cref="BrokerEndpoints"/>, in the same order.</summary>
    public static IReadOnlyList<byte[]> BrokerBodies { get; } =
    [
        """{"id":"F2","type":"Fuzz","temperature":{"type":"Number","value":3,"metadata":{"unit":{"type":"Text","value":"C"}}},"name":{"type":"Text","value":"x"}}"""u8.ToArray(),
        """{"temperature":{"type":"Number","value":4},"status":{"type":"Text","value":"ok"}}"""u8.ToArray(),
        """{"actionType":"append","entities":[{"id":"F3","type":"Fuzz","temperature":{"type":"Number","value":5}},{"id":"F1","type":"Fuzz","humidity":{"value":40}}]}"""u8.ToArray(),
        """{"description":"fuzz","subject":{"entities":[{"idPattern":".*","type":"Fuzz"}],"condition":{"attrs":["temperature"]}},"notification":{"http":{"url":"http://127.0.0.1:9/notify"},"attrs":["temperature"]},"throttling":1}"""u8.ToArray(),
        """{"entities":[{"idPattern":".*","type":"Fuzz"}],"attrs":["temperature"],"expression":{"q":"temperature>1"}}"""u8.ToArray(),
        """{"type":"Number","value":6,"metadata":{}}"""u8.ToArray(),
        """{"description":"fuzz provider","dataProvided":{"entities":[{"id":"CP1","type":"FuzzProvided"}],"attrs":["lazy","command"]},"provider":{"http":{"url":"http://127.0.0.1:9/v2"},"supportedForwardingMode":"all","legacyForwarding":false},"expires":"2099-01-01T00:00:00.000Z","status":"active"}"""u8.ToArray(),
        """{"subscriptionId":"5aeb0ee97d4ef10a12a0262f","data":[{"id":"F5","type":"Fuzz","temperature":{"type":"Number","value":7,"metadata":{"unit":{"type":"Text","value":"C"}}}}]}"""u8.ToArray(),
        """{"humidity":{"type":"Number","value":40},"tags":{"type":"StructuredValue","value":["a",{"b":1}]}}"""u8.ToArray(),
        """{"temperature":{"type":"Number","value":{"$inc":1}},"status":{"type":"Text","value":"ok","metadata":{"at":{"type":"DateTime","value":"2026-01-01T00:00:00Z"}}}}"""u8.ToArray(),
        """{"reading":[1,2,3],"ok":true}"""u8.ToArray(),
        """{"description":"patched","status":"oneshot","notification":{"http":{"url":"http://127.0.0.1:9/notify","timeout":100},"attrs":["temperature"],"maxFailsLimit":3,"covered":true},"throttling":0,"expires":"2099-01-01T00:00:00.000Z"}"""u8.ToArray(),
        "type=Fuzz&idPattern=F.*&q=temperature>1;name==x,y;temperature==1..5&mq=temperature.unit==C&attrs=temperature,name&metadata=unit&limit=10&offset=0&orderBy=!temperature,name&options=keyValues,count"u8.ToArray(),
        "limit=5&offset=1&options=count"u8.ToArray(),
        "georel=near;maxDistance:1000&geometry=point&coords=40.41,-3.69&orderBy=geo:distance&type=Fuzz"u8.ToArray(),
        """{"id":"F4","type":"Fuzz","location":{"type":"geo:json","value":{"type":"Polygon","coordinates":[[[-3.7,40.4],[-3.6,40.4],[-3.6,40.5],[-3.7,40.4]]]}},"n":{"value":{"$inc":1}}}"""u8.ToArray(),
    ];

    /// <summary>A JSON-lines file and a CSV file (cases alternate between the two readers).</summary>
    public static IReadOnlyList<byte[]> Files { get; } =
    [
        "{\"id\":\"Room1\",\"t\":21.5}\n{\"id\":\"Room2\",\"t\":[1,2,{\"x\":null}]}\n\n{\"id\":\"R\u00fc3\"}\n"u8.ToArray(),
        "id,t,name\nRoom1,21.5,\"Kitchen, west\"\nRoom2,-3e2,\"say \"\"hi\"\"\"\n"u8.ToArray(),
    ];

    /// <summary>The repository's two small demo models (models/), found as the demos find theirs.</summary>
    public static IReadOnlyList<byte[]> Models { get; } = [.. new[] { "models/regimes-kmeans.onnx", "models/regimes-mlp.onnx" }
        .Select(Demo.DemoPaths.Find)
        .OfType<string>()
        .Select(File.ReadAllBytes)];
}
