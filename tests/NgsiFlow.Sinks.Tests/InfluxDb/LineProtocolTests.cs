using NgsiFlow.Sinks.InfluxDb;

namespace NgsiFlow.Sinks.Tests.InfluxDb;

/// <summary>Line-protocol text for each element, checked against the rules of the InfluxDB 1.x reference.</summary>
public sealed class LineProtocolTests
{
    [Fact]
    public void ToString_allFieldTypes_writesFloatIntegerStringAndBooleanForms()
    {
        var point = new InfluxPoint("m").Field("f", 1.5).Field("i", 42L).Field("s", "text").Field("b", true).AtNanoseconds(1_700_000_000_000_000_000);

        point.ToString().ShouldBe("m f=1.5,i=42i,s=\"text\",b=true 1700000000000000000");
    }

    [Fact]
    public void ToString_tagsAddedOutOfOrder_areSortedByKey()
    {
        var point = new InfluxPoint("m").Tag("zone", "b").Tag("host", "a").Tag("id", "c").Field("v", 1L);

        point.ToString().ShouldBe("m,host=a,id=c,zone=b v=1i");
    }

    [Fact]
    public void ToString_measurementWithCommaAndSpace_escapesBothButNotEquals()
    {
        new InfluxPoint("my m,x=1").Field("v", 1L).ToString().ShouldBe(@"my\ m\,x=1 v=1i");
    }

    [Fact]
    public void ToString_tagAndFieldKeysAndTagValues_escapeCommaEqualsAndSpace()
    {
        var point = new InfluxPoint("m").Tag("k ,=", "v ,=").Field("f ,=", 2L);

        point.ToString().ShouldBe(@"m,k\ \,\==v\ \,\= f\ \,\==2i");
    }

    [Fact]
    public void ToString_stringField_escapesQuotesAndBackslashesOnly()
    {
        var point = new InfluxPoint("m").Field("s", "a \"q\" \\ b, c=d");

        point.ToString().ShouldBe("m s=\"a \\\"q\\\" \\\\ b, c=d\"");
    }

    [Fact]
    public void ToString_dateTimeOffsetTimestamp_isNanosecondsSinceEpoch()
    {
        var point = new InfluxPoint("m").Field("v", 1L).At(new DateTimeOffset(2020, 1, 1, 0, 0, 1, TimeSpan.FromHours(2)).AddTicks(5));

        // 2019-12-31T22:00:01Z plus 500 ns.
        point.ToString().ShouldBe("m v=1i 1577829601000000500");
    }

    [Fact]
    public void Field_nonFiniteFloat_isRefusedWithTheReason()
    {
        var error = Should.Throw<ArgumentOutOfRangeException>(() => new InfluxPoint("m").Field("v", double.NaN));

        error.Message.ShouldContain("NaN");
    }

    [Theory]
    [InlineData("")]
    [InlineData("a\nb")]
    public void Tag_emptyOrMultiLineValue_isRefusedNamingTheTag(string value)
    {
        var error = Should.Throw<ArgumentException>(() => new InfluxPoint("m").Tag("host", value));

        error.Message.ShouldContain("tag 'host'");
    }

    [Fact]
    public void Field_sameKeyTwice_keepsTheLastValue()
    {
        new InfluxPoint("m").Field("v", 1L).Field("v", 2L).ToString().ShouldBe("m v=2i");
    }
}
