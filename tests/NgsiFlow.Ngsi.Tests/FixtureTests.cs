namespace NgsiFlow.Ngsi.Tests;

public class FixtureTests
{
    public static TheoryData<string> Files() => new(TestFiles.All());

    [Theory]
    [MemberData(nameof(Files))]
    public void Parse_everyFixture_yieldsEntitiesWithAttributes(string file)
    {
        var (headers, body) = TestFiles.Load(file);
        var n = NotificationParser.Parse(body, headers);
        n.EntityList.ShouldNotBeEmpty();
        n.EntityList.ShouldAllBe(e => e.AttributeNames.Any());
        NotificationParser.IsLd(n.Format).ShouldBe(file.StartsWith("ngsild", StringComparison.Ordinal));
    }
}
