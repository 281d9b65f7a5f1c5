using System.Text.Json;
using NgsiFlow.Engine.Records;
using Record = NgsiFlow.Engine.Records.Record;

namespace NgsiFlow.Engine.Tests.Records;

public sealed class RecordConditionTests
{
    private static readonly Record Sample = Record.FromJson(JsonDocument.Parse("""{"uuid":"dev-2","cputemp":61.5,"memory":37,"ok":true,"env":{"t":21},"a.b":40,"name":"a;b"}""").RootElement);

    [Theory]
    [InlineData("cputemp>60", true)]
    [InlineData("cputemp>61.5", false)]
    [InlineData("cputemp>=61.5", true)]
    [InlineData("memory<37", false)]
    [InlineData("memory<=37", true)]
    [InlineData("memory==37", true)]
    [InlineData("memory!=37", false)]
    [InlineData("uuid==dev-1,dev-2", true)]
    [InlineData("uuid!=dev-1,dev-3", true)]
    [InlineData("uuid~=^dev-\\d$", true)]
    [InlineData("memory==30..40", true)]
    [InlineData("memory!=30..40", false)]
    [InlineData("ok==true", true)]
    [InlineData("uuid", true)]
    [InlineData("!uuid", false)]
    [InlineData("!missing", true)]
    [InlineData("missing>1", false)]
    [InlineData("missing!=1", true)]
    [InlineData("env.t==21", true)]
    [InlineData("a.b==40", true)]
    [InlineData("name=='a;b'", true)]
    [InlineData("cputemp>60;memory<30", false)]
    [InlineData("cputemp>60;memory<40", true)]
    [InlineData("uuid>5", false)]
    public void Matches_evaluatesOrionQStatements(string condition, bool expected) =>
        RecordCondition.Parse(condition).Matches(Sample).ShouldBe(expected, condition);

    [Theory]
    [InlineData("", "at least one statement")]
    [InlineData("a>1;;b<2", "empty statement")]
    [InlineData("a>", "has no value after '>'")]
    [InlineData("a=b", "is not a statement")]
    [InlineData("a>1,2", "a list of values goes with == or != only")]
    [InlineData("a=='open", "never closes")]
    [InlineData("a~=(", "is not a regular expression")]
    [InlineData("a==1..", "a range is written low..high")]
    public void Parse_badCondition_saysWhatIsWrong(string condition, string message) =>
        Should.Throw<FormatException>(() => RecordCondition.Parse(condition)).Message.ShouldContain(message);
}
