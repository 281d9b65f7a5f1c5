using NgsiFlow.Testing;

namespace NgsiFlow.Jobs.Tests;

/// <summary>Invalid job files: each gives exactly the errors listed (file:line:column: field: message), never an unhandled exception.</summary>
public sealed class JobFileErrorTests
{
    private const string Head = """
        name: concrete
        broker:
          url: http://localhost:1026
        subscribe:
          entities:
            - type: Material

        """;

    private const string Concrete = """
        features:
          - attribute: cement
          - attribute: slag
          - attribute: ash
          - attribute: water
          - attribute: superplastic
          - attribute: coarseagg
          - attribute: fineagg
          - attribute: age
        model:
          path: concrete-rf150.onnx

        """;

    public static TheoryData<string, string, string> Cases => new()
    {
        { "empty", "", "job.yaml: the file is empty; a job file is a YAML or JSON object (see docs/jobs.md)" },
        { "not an object", "- a\n- b\n", "job.yaml:1:1: a job file is an object of sections (name, broker, subscribe, model...), found a list" },
        { "unclosed bracket", "name: [a, b\nbroker: x\n", "job.yaml:3:1: not valid YAML: the file ends inside a [...] or {...} that was never closed" },
        { "bad indentation", "name: a\nbroker:\n  url: x\n bad: y\n", "job.yaml:4:2: not valid YAML: " },
        { "duplicate key", "name: a\nname: b\n", "job.yaml:2:1: 'name' appears twice in the same object" },
        { "two documents", "name: a\n---\nname: b\n", "job.yaml:3:1: a job file holds one document; this is a second one ('---')" },
        { "missing sections", "name: a\n", "job.yaml:1:1: missing required fields 'broker', 'subscribe'" },
        { "misspelt section", Head + Concrete + "outptus: []\n", "job.yaml:18:1: outptus: unknown field 'outptus' (did you mean 'outputs'?)" },
        { "misspelt nested field", Head.Replace("url:", "ulr:", StringComparison.Ordinal) + Concrete, "job.yaml:3:3: broker.ulr: unknown field 'ulr' (did you mean 'url'?)" },
        { "bad job name", Head.Replace("name: concrete", "name: my job!", StringComparison.Ordinal) + Concrete, "job.yaml:1:7: name: 'my job!' is not a job name: use 1 to 64 ASCII letters, digits, '.', '_' or '-'" },
        { "bad api", Head.Replace("  url:", "  api: v3\n  url:", StringComparison.Ordinal) + Concrete, "job.yaml:3:8: broker.api: 'v3' is not one of v2, ld (did you mean 'v2'?)" },
        { "wrong type", Head + Concrete.Replace("  - attribute: age", "  - attribute: 42", StringComparison.Ordinal), "job.yaml:15:16: features[7].attribute: expected text, found 42" },
        { "broker url not a URL", Head.Replace("http://localhost:1026", "localhost:1026", StringComparison.Ordinal) + Concrete, "job.yaml:3:8: broker.url: 'localhost:1026' is not an absolute http or https URL" },
        { "no broker address", Head.Replace("  url: http://localhost:1026\n", "  tenant: t\n", StringComparison.Ordinal) + Concrete, "job.yaml:3:3: broker: missing 'url' (the broker's base URL, such as http://localhost:1026) or 'embedded: true'" },
        { "embedded NGSI-LD", Head.Replace("  url: http://localhost:1026", "  url: embedded\n  api: ld", StringComparison.Ordinal) + Concrete, "job.yaml:4:8: broker.api: the embedded broker speaks NGSI-v2 only; use api: v2 or a url of an NGSI-LD broker" },
        { "service path", Head.Replace("  url: http://localhost:1026", "  url: http://localhost:1026\n  servicePath: pyspark", StringComparison.Ordinal) + Concrete, "job.yaml:4:16: broker.servicePath: 'pyspark' is not a service path: it starts with '/', as /factory/line1" },
        { "token and OAuth2", Head.Replace("  url: http://localhost:1026", "  url: http://localhost:1026\n  auth:\n    token: t\n    tokenUrl: http://keyrock/token", StringComparison.Ordinal) + Concrete, "job.yaml:5:5: broker.auth: give either a static 'token' or an OAuth2 'tokenUrl' with 'clientId' and 'clientSecret', not both" },
        { "empty entity filter", Head.Replace("    - type: Material", "    - {}", StringComparison.Ordinal) + Concrete, "job.yaml:6:7: subscribe.entities[0]: an entity filter needs 'type', 'typePattern', 'id' or 'idPattern'" },
        { "no entities", Head.Replace("    - type: Material", "    []", StringComparison.Ordinal).Replace("  entities:\n    []", "  entities: []", StringComparison.Ordinal) + Concrete, "job.yaml:5:13: subscribe.entities: needs at least 1 item(s)" },
        { "bad format", Head + "  format: keyvalues\n" + Concrete, "job.yaml:7:11: subscribe.format: 'keyvalues' is not one of auto, normalized, keyValues, values, simplifiedNormalized, simplifiedKeyValues, concise (did you mean 'keyValues'?)" },
        { "bad throttling", Head + "  throttling: soon\n" + Concrete, "job.yaml:7:15: subscribe.throttling: 'soon' is not a duration: use seconds (10) or text such as 500ms, 10s, 5m, 1h (at most a year)" },
        { "condition on an output", Head + "  conditionAttributes: [cement, predicted]\n" + Concrete + "outputs:\n  - attribute: predicted\n", "job.yaml:7:33: subscribe.conditionAttributes[1]: 'predicted' is an output: its write-back would notify the job again, forever" },
        { "features not a list", Head + Concrete.Replace("features:\n  - attribute: cement\n  - attribute: slag\n  - attribute: ash\n  - attribute: water\n  - attribute: superplastic\n  - attribute: coarseagg\n  - attribute: fineagg\n  - attribute: age\n", "features: all\n", StringComparison.Ordinal), "job.yaml:7:11: features: expected 'auto' or a list of features, found 'all'" },
        { "feature with two sources", Head + Concrete.Replace("  - attribute: slag", "  - attribute: slag\n    oneHot: kind", StringComparison.Ordinal), "job.yaml:9:5: features[1]: a feature has one source; found 'attribute' and 'oneHot'" },
        { "oneHot without values", Head + Concrete.Replace("  - attribute: slag", "  - oneHot: slag", StringComparison.Ordinal), "job.yaml:9:5: features[1]: a oneHot feature lists its 'values', in the model's input order" },
        { "too few features", Head + Concrete.Replace("  - attribute: age\n", string.Empty, StringComparison.Ordinal), "job.yaml:8:3: features: the features fill 7 input(s), but the model takes 8 (cement, slag, ash, water, superplastic, coarseagg, fineagg, age)" },
        { "aggregate without window", Head + Concrete.Replace("  - attribute: age", "  - aggregate: meanAge", StringComparison.Ordinal), "job.yaml:15:16: features[7].aggregate: 'meanAge' is not an aggregate: the job has no window" },
        { "missing model file", Head + Concrete.Replace("concrete-rf150.onnx", "concrete-rf151.onnx", StringComparison.Ordinal), $"job.yaml:17:9: model.path: no such file: {Path.Combine(TestPaths.InRepository("models"), "concrete-rf151.onnx")}" },
        { "not a model", Head + Concrete.Replace("concrete-rf150.onnx", "README.md", StringComparison.Ordinal), "job.yaml:17:9: model.path: cannot load the model: " },
        { "unknown model output", Head + Concrete + "outputs:\n  - attribute: predicted\n    output: strenght\n", "job.yaml:20:13: outputs[0].output: the model has no output 'strenght' (did you mean 'strength'?)" },
        { "label of a regressor", Head + Concrete + "outputs:\n  - attribute: predicted\n    output: label\n", "job.yaml:20:13: outputs[0].output: 'label' is for classifiers, and concrete-rf150.onnx is not one" },
        { "output twice", Head + Concrete + "outputs:\n  - attribute: p\n  - attribute: p\n    errorAgainst: strength\n", "job.yaml:20:16: outputs[1].attribute: 'p' is written by another output already" },
        { "bad attribute name", Head + Concrete + "outputs:\n  - attribute: predicted strength\n", "job.yaml:19:16: outputs[0].attribute: 'predicted strength' is not an NGSI attribute name (no spaces or any of < > \" ' = ; ( ) & ? / #)" },
        { "nothing written", Head, "job.yaml:1:1: the job writes nothing: give a 'model' (and 'outputs'), or a 'window' and 'outputs'" },
        { "session with size", Head + "window:\n  kind: session\n  size: 10s\n  aggregates: [{ name: n, op: count }]\noutputs:\n  - { attribute: n, aggregate: n }\n", "job.yaml:9:9: window.size: a session window has a 'gap', not a size or slide" },
        { "sliding slide longer than size", Head + "window:\n  kind: sliding\n  size: 10s\n  slide: 1m\n  aggregates: [{ name: n, op: count }]\noutputs:\n  - { attribute: n, aggregate: n }\n", "job.yaml:10:10: window.slide: the slide is longer than the size: updates between windows would be lost" },
        { "avg without attribute", Head + "window:\n  kind: tumbling\n  size: 10s\n  aggregates: [{ name: m, op: avg }]\noutputs:\n  - { attribute: m, aggregate: m }\n", "job.yaml:10:16: window.aggregates[0]: 'avg' needs the 'attribute' it aggregates" },
        { "unknown aggregate op", Head + "window:\n  kind: tumbling\n  size: 10s\n  aggregates: [{ name: m, op: mean, attribute: t }]\noutputs:\n  - { attribute: m, aggregate: m }\n", "job.yaml:10:31: window.aggregates[0].op: 'mean' is not one of count, sum, avg, min, max, first, last" },
        { "misspelt aggregate", Head + "window:\n  kind: tumbling\n  size: 10s\n  aggregates: [{ name: mean, op: avg, attribute: t }]\noutputs:\n  - { attribute: m, aggregate: maen }\n", "job.yaml:12:32: outputs[0].aggregate: 'maen' is not an aggregate of the window (did you mean 'mean'?)" },
        { "template without id", Head + Concrete + "writeBack:\n  mode: template\n  template: { type: Prediction }\n", "job.yaml:20:13: writeBack.template: the template needs 'id' and 'type' (such as id: Prediction:${id})" },
        { "sink with bad URI", Head + Concrete + "sinks:\n  - rabbitmq: { uri: http://rabbit, exchange: x }\n", "job.yaml:19:22: sinks[0].rabbitmq.uri: 'http://rabbit' is not an absolute amqp or amqps URL" },
        { "two sinks in one item", Head + Concrete + "sinks:\n  - influxdb: { url: http://i, database: d }\n    postgresql: { connectionString: x }\n", "job.yaml:19:5: sinks[0]: one sink per list item; found influxdb and postgresql" },
        { "unknown transform", Head + "transforms:\n  - trim: { field: a }\n" + Concrete, "job.yaml:8:5: transforms[0].trim: unknown field 'trim'; expected one of rename, remove, flatten, cast, split, add, filter" },
        { "unknown sink kind", Head + Concrete + "sinks:\n  - kafka: { a: 1 }\n", "job.yaml:19:5: sinks[0].kafka: unknown field 'kafka'; expected one of influxdb, postgresql, rabbitmq" },
        { "cast to an unknown type", Head + "transforms:\n  - cast: { field: a, to: float }\n" + Concrete, "job.yaml:8:27: transforms[0].cast.to: 'float' is not one of text, integer, number, boolean, timestamp" },
        { "format on a number cast", Head + "transforms:\n  - cast: { field: a, to: number, format: x }\n" + Concrete, "job.yaml:8:11: transforms[0].cast: cast of 'a': a format applies to timestamps only" },
        { "split pattern without groups", Head + "transforms:\n  - split: { field: a, pattern: '\\d+' }\n" + Concrete, "job.yaml:8:12: transforms[0].split: split of 'a': the pattern names no group; name each new field as (?<name>...)" },
        { "split with pattern and separator", Head + "transforms:\n  - split: { field: a, pattern: '(?<x>.)', separator: ',' }\n" + Concrete, "job.yaml:8:12: transforms[0].split: a split has either a 'pattern' (with named groups) or a 'separator' (with 'into')" },
        { "bad filter", Head + "transforms:\n  - filter: 'a=b'\n" + Concrete, "job.yaml:8:13: transforms[0].filter: 'a=b' is not a statement: write field, !field, or field op value with op one of == != > >= < <= ~=" },
        { "two transforms in one item", Head + "transforms:\n  - flatten: {}\n    remove: [a]\n" + Concrete, "job.yaml:8:5: transforms[0]: one transform per list item; found flatten and remove" },
        { "nested far too deep", "name: " + new string('[', 20_000), "job.yaml:1:70: nested deeper than 64 levels" },
        { "aliases inside aliases", "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n", "job.yaml:1:35: e[7][8][8][8][9]: expands to more than 100000 values (aliases repeated inside each other?)" },
        { "binary file", "name: a\0\0", "job.yaml: the file holds NUL characters: is it a binary file?" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Load_invalidFile_reportsTheErrorWithItsPosition(string name, string text, string expected)
    {
        var models = TestPaths.InRepository("models");
        var error = Should.Throw<JobFileException>(() =>
        {
            using var plan = JobPlan.Resolve(JobFile.Parse(text, "job.yaml", models));
        }, name);

        error.Errors.Count.ShouldBe(1, $"{name}: {error.Message}");
        if (expected.EndsWith(": ", StringComparison.Ordinal))
        {
            error.Errors[0].ToString().ShouldStartWith(expected, customMessage: name);
        }
        else
        {
            error.Errors[0].ToString().ShouldBe(expected, name);
        }
    }

    [Fact]
    public void Load_severalErrors_reportsEachInFileOrder()
    {
        var text = Head.Replace("url:", "ulr:", StringComparison.Ordinal) + Concrete + "outptus: []\n";
        var error = Should.Throw<JobFileException>(() => JobFile.Parse(text, "job.yaml", TestPaths.InRepository("models")));
        error.Errors.Select(e => e.ToString()).ShouldBe(
        [
            "job.yaml:3:3: broker.ulr: unknown field 'ulr' (did you mean 'url'?)",
            "job.yaml:18:1: outptus: unknown field 'outptus' (did you mean 'outputs'?)",
        ]);
        error.Message.ShouldContain("job.yaml:18:1");
    }

    [Fact]
    public void Load_missingFile_namesIt()
    {
        var path = Path.Combine(Path.GetTempPath(), $"ngsiflow-missing-{Guid.NewGuid():N}.yaml");
        var error = Should.Throw<JobFileException>(() => JobFile.Load(path));
        error.Errors.Single().ToString().ShouldStartWith($"{path}: cannot read the job file: ");
    }
}
