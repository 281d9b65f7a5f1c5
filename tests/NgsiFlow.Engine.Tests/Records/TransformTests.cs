using System.Text.Json;
using NgsiFlow.Engine.Records;
using Record = NgsiFlow.Engine.Records.Record;
using NgsiFlow.Engine.Records.Transforms;

namespace NgsiFlow.Engine.Tests.Records;

/// <summary>Each transform on a fixed input against the expected output, as JSON.</summary>
public sealed class TransformTests
{
    private static readonly RecordContext Context = new("sensors", new DateTimeOffset(2026, 12, 4, 8, 30, 0, TimeSpan.Zero));

    private static Record Json(string json) => Record.FromJson(JsonDocument.Parse(json).RootElement);

    private static RecordResult Run(string input, params RecordTransform[] transforms) => new RecordPipeline(transforms).Process(Json(input), Context);

    [Fact]
    public void Rename_keepsThePlace() =>
        Run("""{"a":1,"b":2,"c":3}""", new Rename("b", "bee")).Record.ToJson().ShouldBe("""{"a":1,"bee":2,"c":3}""");

    [Fact]
    public void Rename_absentField_changesNothing() =>
        Run("""{"a":1}""", new Rename("x", "y")).Record.ToJson().ShouldBe("""{"a":1}""");

    [Fact]
    public void Remove_dropsTheFields() =>
        Run("""{"a":1,"b":2,"c":3}""", new Remove("a", "c", "zz")).Record.ToJson().ShouldBe("""{"b":2}""");

    [Fact]
    public void Flatten_nestedObjects_joinNamesAtTheirPlace() =>
        Run("""{"id":"d","env":{"t":1,"deep":{"p":2}},"after":true,"xs":[{"k":1}]}""", new Flatten())
            .Record.ToJson().ShouldBe("""{"id":"d","env_t":1,"env_deep_p":2,"after":true,"xs":[{"k":1}]}""");

    [Fact]
    public void Flatten_customSeparator() =>
        Run("""{"a":{"b":1}}""", new Flatten(".")).Record.ToJson().ShouldBe("""{"a.b":1}""");

    [Theory]
    [InlineData("\"23.97\"", FieldType.Number, null, "23.97")]
    [InlineData("\" 42 \"", FieldType.Integer, null, "42")]
    [InlineData("7.0", FieldType.Integer, null, "7")]
    [InlineData("12", FieldType.Number, null, "12")]
    [InlineData("\"yes\"", FieldType.Boolean, null, "true")]
    [InlineData("\"0\"", FieldType.Boolean, null, "false")]
    [InlineData("3.5", FieldType.Text, null, "\"3.5\"")]
    [InlineData("\"2026-12-04T10:00:00+01:00\"", FieldType.Timestamp, null, "\"2026-12-04T10:00:00+01:00\"")]
    [InlineData("\"2026-12-04 10:00:00\"", FieldType.Timestamp, "yyyy-MM-dd HH:mm:ss", "\"2026-12-04T10:00:00+00:00\"")]
    [InlineData("1764842400", FieldType.Timestamp, "unix", "\"2025-12-04T10:00:00+00:00\"")]
    [InlineData("\"1764842400000\"", FieldType.Timestamp, "unixMs", "\"2025-12-04T10:00:00+00:00\"")]
    [InlineData("null", FieldType.Number, null, "null")]
    public void Cast_convertsTheValue(string value, FieldType to, string? format, string expected)
    {
        var result = Run($$"""{"v":{{value}}}""", new Cast("v", to, format));

        result.IsDeadLetter.ShouldBeFalse(result.Reason);
        result.Record.ToJson().ShouldBe($$"""{"v":{{expected}}}""");
    }

    [Theory]
    [InlineData("\"23,9a\"", FieldType.Number, null, "step 1 (cast v to number): field 'v': '23,9a' is not a number")]
    [InlineData("\"1.5\"", FieldType.Integer, null, "step 1 (cast v to integer): field 'v': '1.5' is not a whole number")]
    [InlineData("\"maybe\"", FieldType.Boolean, null, "step 1 (cast v to boolean): field 'v': 'maybe' is not a boolean (true/false, yes/no, on/off, 1/0)")]
    [InlineData("\"04/12/2026\"", FieldType.Timestamp, "yyyy-MM-dd", "step 1 (cast v to timestamp (yyyy-MM-dd)): field 'v': '04/12/2026' is not a time in the format 'yyyy-MM-dd'")]
    [InlineData("{\"x\":1}", FieldType.Number, null, "step 1 (cast v to number): field 'v': an object is not a number")]
    public void Cast_valueThatDoesNotConvert_goesToTheDeadLetterWithTheReason_andTheRecordAsReceived(string value, FieldType to, string? format, string reason)
    {
        var result = Run($$"""{"v":{{value}},"w":1}""", new Rename("w", "renamed"), new Cast("v", to, format));

        result.Output.ShouldBe(RecordPipeline.DeadLetterOutput);
        result.Reason.ShouldBe(reason.Replace("step 1", "step 2", StringComparison.Ordinal));
        result.Record.ToJson().ShouldBe($$"""{"v":{{value}},"w":1}""");
    }

    [Fact]
    public void Cast_requiredFieldMissing_isInvalid() =>
        Run("""{"a":1}""", new Cast("v", FieldType.Number, required: true)).Reason.ShouldBe("step 1 (cast v to number): field 'v': missing, and it is required");

    [Fact]
    public void Split_accelerometerTripleByPattern_intoNamedFieldsAtItsPlace()
    {
        var split = Split.ByPattern("acc", @"(?<ax>[-+.\d]+)g : (?<ay>[-+.\d]+)g : (?<az>[-+.\d]+)g");

        var result = Run("""{"id":"d","acc":"+00.08g : -01.01g : +00.09g","t":1}""", split, new Cast("ax", FieldType.Number), new Cast("ay", FieldType.Number), new Cast("az", FieldType.Number));

        result.Record.ToJson().ShouldBe("""{"id":"d","ax":0.08,"ay":-1.01,"az":0.09,"t":1}""");
    }

    [Fact]
    public void Split_bySeparator_keepingTheSource() =>
        Run("""{"pos":"12.5 ; 7"}""", Split.BySeparator("pos", ";", ["x", "y"], keep: true)).Record.ToJson().ShouldBe("""{"pos":"12.5 ; 7","x":"12.5","y":"7"}""");

    [Fact]
    public void Split_textThatDoesNotMatch_isInvalid()
    {
        Run("""{"acc":"broken"}""", Split.ByPattern("acc", @"(?<ax>\d+)g")).Reason.ShouldBe("step 1 (split acc by /^(?:(?<ax>\\d+)g)$/ into ax): field 'acc': 'broken' does not match the split pattern");
        Run("""{"pos":"1;2;3"}""", Split.BySeparator("pos", ";", ["x", "y"])).Reason.ShouldBe("step 1 (split pos by ';' into x, y): field 'pos': '1;2;3' has 3 part(s) separated by ';', expected 2");
        Run("""{"pos":5}""", Split.BySeparator("pos", ";", ["x", "y"])).Reason!.ShouldEndWith("field 'pos': split needs text, found a number");
    }

    [Fact]
    public void Split_patternWithoutGroups_isRefusedWhenBuilt() =>
        Should.Throw<ArgumentException>(() => Split.ByPattern("acc", @"\d+")).Message.ShouldContain("names no group");

    [Fact]
    public void AddField_constantsRouteAndIngestTime() =>
        Run("""{"a":1}""", new AddField("site", "plant-4"), new AddField("route", AddField.RouteValue), new AddField("received", AddField.IngestTimeValue), new AddField("a", 2, overwrite: false))
            .Record.ToJson().ShouldBe("""{"a":1,"site":"plant-4","route":"sensors","received":"2026-12-04T08:30:00+00:00"}""");

    [Fact]
    public void Filter_recordsThatFail_leaveAsFiltered_andThoseThatPass_goOn()
    {
        var pipeline = new RecordPipeline(new Filter(RecordCondition.Parse("cputemp>50")), new AddField("hot", true));

        pipeline.Process(Json("""{"cputemp":49}"""), Context).Output.ShouldBe(RecordPipeline.FilteredOutput);
        var kept = pipeline.Process(Json("""{"cputemp":51}"""), Context);
        kept.Output.ShouldBe(RecordPipeline.DefaultOutput);
        kept.Record["hot"].ShouldBe(true);
    }

    [Fact]
    public void Route_firstMatchingCaseWins_otherwiseGoesToItsOutput()
    {
        var route = new Route([(RecordCondition.Parse("kind==env"), "environment"), (RecordCondition.Parse("cputemp>=70"), "alerts")], otherwise: "rest");
        var pipeline = new RecordPipeline(route);

        pipeline.Process(Json("""{"kind":"env","cputemp":90}"""), Context).Output.ShouldBe("environment");
        pipeline.Process(Json("""{"kind":"sys","cputemp":70}"""), Context).Output.ShouldBe("alerts");
        pipeline.Process(Json("""{"kind":"sys","cputemp":20}"""), Context).Output.ShouldBe("rest");
        pipeline.RouteOutputs.ShouldBe(["environment", "alerts", "rest"]);
    }

    [Fact]
    public void Route_withoutOtherwise_unmatchedRecordsGoOnToTheDefaultOutput() =>
        new RecordPipeline(new Route([(RecordCondition.Parse("x"), "withX")])).Process(Json("""{"y":1}"""), Context).Output.ShouldBe(RecordPipeline.DefaultOutput);

    [Fact]
    public void Process_doesNotChangeTheInputWhenTheRecordIsInvalid()
    {
        var input = Json("""{"a":{"b":"x"}}""");

        new RecordPipeline(new Flatten(), new Cast("a_b", FieldType.Number)).Process(input, Context).IsDeadLetter.ShouldBeTrue();

        input.ToJson().ShouldBe("""{"a":{"b":"x"}}""");
    }
}
