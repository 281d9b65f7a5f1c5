namespace NgsiFlow.Ngsi.Tests;

public class TypedAccessTests
{
    private static NgsiV2Entity Entity() => NgsiV2Parser.ParseEntity("""
        {"id":"Mix1","type":"ConcreteMix",
         "cement":{"type":"Number","value":540},
         "water":{"type":"Number","value":162},
         "age":{"type":"Number","value":28},
         "label":{"type":"Text","value":"C40"},
         "cured":{"type":"Boolean","value":true},
         "when":{"type":"DateTime","value":"2024-10-21T10:15:30.123+02:00"},
         "location":{"type":"geo:json","value":{"type":"Point","coordinates":[-3.7,40.4]}}}
        """u8);

    [Fact]
    public void GetNumber_numberAttribute_returnsIt()
    {
        Entity().GetNumber("cement").ShouldBe(540);
    }

    [Fact]
    public void GetNumber_missingAttribute_namesEntityAndAttribute()
    {
        var e = Should.Throw<NgsiAttributeException>(() => Entity().GetNumber("slag"));
        e.EntityId.ShouldBe("Mix1");
        e.AttributeName.ShouldBe("slag");
        e.Message.ShouldBe("Entity 'Mix1': attribute 'slag' is missing.");
    }

    [Fact]
    public void GetNumber_textAttribute_saysNotNumeric()
    {
        var e = Should.Throw<NgsiAttributeException>(() => Entity().GetNumber("label"));
        e.Message.ShouldBe("Entity 'Mix1': attribute 'label' is not numeric (found a string).");
    }

    [Fact]
    public void TypedGetters_readEachKind()
    {
        var e = Entity();
        e.GetString("label").ShouldBe("C40");
        e.GetBoolean("cured").ShouldBeTrue();
        e.GetNumber("cured").ShouldBe(1);
        e.GetDateTime("when").ShouldBe(new DateTimeOffset(2024, 10, 21, 8, 15, 30, 123, TimeSpan.Zero));
        e.GetGeoJson("location").TryGetPoint(out var p).ShouldBeTrue();
        p.ShouldBe(new GeoPoint(-3.7, 40.4));
        e.TryGetNumber("label", out _).ShouldBeFalse();
        e.TryGetString("nothing", out _).ShouldBeFalse();
        e.TryGetDateTime("label", out _).ShouldBeFalse();
        Should.Throw<NgsiAttributeException>(() => e.GetGeoJson("label")).Problem.ShouldContain("GeoJSON");
    }

    [Fact]
    public void FillFeatures_callerOrder_notArrivalOrder()
    {
        Span<double> features = stackalloc double[3];
        Entity().FillFeatures(["age", "cement", "water"], features);
        features.ToArray().ShouldBe([28, 540, 162]);
    }

    [Fact]
    public void FeatureVectorLayout_fillsFloatsAndNamesMissingAttribute()
    {
        var layout = new FeatureVectorLayout(["water", "cement"]);
        layout.ToSingleArray(Entity()).ShouldBe([162f, 540f]);
        var missing = new FeatureVectorLayout(["cement", "slag"]);
        Should.Throw<NgsiAttributeException>(() => missing.ToArray(Entity())).AttributeName.ShouldBe("slag");
    }

    [Fact]
    public void FeatureVectorLayout_badNames_rejectedAtConstruction()
    {
        Should.Throw<ArgumentException>(() => new FeatureVectorLayout([])).Message.ShouldContain("at least one");
        Should.Throw<ArgumentException>(() => new FeatureVectorLayout(["a", "a"])).Message.ShouldContain("'a' appears twice");
        Should.Throw<ArgumentException>(() => new FeatureVectorLayout(["a", ""])).Message.ShouldContain("Feature 1");
    }

    [Fact]
    public void FillFeatures_destinationTooShort_throws()
    {
        var e = Entity();
        Should.Throw<ArgumentException>(() => e.FillFeatures(["age", "cement"], new double[1]));
    }

    [Fact]
    public void FillFeatures_ldEntity_readsPropertyValues()
    {
        var entity = NgsiLdParser.ParseEntity("""
            {"id":"urn:M","type":"ConcreteMix","cement":{"type":"Property","value":540},"age":28,
             "made":{"type":"Relationship","object":"urn:plant"}}
            """u8, NgsiLdRepresentation.Concise);
        var layout = new FeatureVectorLayout(["age", "cement"]);
        layout.ToArray(entity).ShouldBe([28, 540]);
        Should.Throw<NgsiAttributeException>(() => entity.GetNumber("made")).Message.ShouldContain("not numeric");
    }

    [Fact]
    public void NgsiValue_parseAndAccess_roundTrips()
    {
        var v = NgsiValue.Parse("""{"a":[1,"x",true,null,{"b":2.5}],"c":"d"}""");
        v.Kind.ShouldBe(NgsiValueKind.Object);
        v["a"].Count.ShouldBe(5);
        v["a"][4]["b"].GetNumber().ShouldBe(2.5);
        v["a"][3].IsNull.ShouldBeTrue();
        v["missing"].IsNull.ShouldBeTrue();
        v.Members.ToArray().Select(m => m.Name).ShouldBe(["a", "c"]);
        v.ToJson().ShouldBe("""{"a":[1,"x",true,null,{"b":2.5}],"c":"d"}""");
        NgsiValue.Parse(v.ToJson()).ShouldBe(v);
        v.ShouldNotBe(NgsiValue.Parse("""{"c":"d","a":[1,"x",true,null,{"b":2.5}]}"""));
        Should.Throw<InvalidOperationException>(() => v.GetNumber()).Message.ShouldBe("Expected a number, found an object.");
        Should.Throw<NgsiFormatException>(() => NgsiValue.Parse("[1,")).JsonPath.ShouldStartWith("$");
    }

    [Theory]
    [InlineData("2024-10-21T10:15:30.123Z", "2024-10-21T10:15:30.1230000+00:00")]
    [InlineData("2024-10-21T10:15:30Z", "2024-10-21T10:15:30.0000000+00:00")]
    [InlineData("2024-10-21T10:15:30.1234567+01:00", "2024-10-21T09:15:30.1234567+00:00")]
    [InlineData("2024-10-21T10:15:30-0130", "2024-10-21T11:45:30.0000000+00:00")]
    [InlineData("2024-10-21T10:15", "2024-10-21T10:15:00.0000000+00:00")]
    [InlineData("2024-10-21", "2024-10-21T00:00:00.0000000+00:00")]
    public void GetDateTime_isoForms_parseToUtc(string text, string expectedRoundTrip)
    {
        NgsiValue.FromString(text).GetDateTime().ToString("o", System.Globalization.CultureInfo.InvariantCulture).ShouldBe(expectedRoundTrip);
    }

    [Theory]
    [InlineData("2024-02-30T00:00:00Z")]
    [InlineData("2024-10-21T25:00:00Z")]
    [InlineData("2024-10-21T10:15:30.Z")]
    [InlineData("21/10/2024")]
    [InlineData("2024-10-21T10:15:30Zjunk")]
    [InlineData("0001-01-01T00:00:00+01:00")]
    public void TryGetDateTime_invalidForms_areRejected(string text)
    {
        NgsiValue.FromString(text).TryGetDateTime(out _).ShouldBeFalse();
    }
}

public class NgsiValueTextTests
{
    [Fact]
    public void ToJson_nonAsciiText_staysReadable()
    {
        NgsiValue.FromObject(new NgsiMember("name", "Estación ñ")).ToJson().ShouldBe("""{"name":"Estación ñ"}""");
    }

    [Fact]
    public void ToString_numberAndString_areInvariantAndBare()
    {
        NgsiValue.FromNumber(1.5).ToString().ShouldBe("1.5");
        NgsiValue.FromString("x").ToString().ShouldBe("x");
        NgsiValue.Null.ToString().ShouldBe("null");
    }
}

public class NumberParsingTests
{
    [Theory]
    [InlineData("0")]
    [InlineData("-0")]
    [InlineData("21.5")]
    [InlineData("-3.70379")]
    [InlineData("0.1")]
    [InlineData("123456789012345")]
    [InlineData("1234567890123456789")]
    [InlineData("0.000000000000001")]
    [InlineData("3.141592653589793")]
    [InlineData("1e3")]
    [InlineData("-2.5E-3")]
    [InlineData("9007199254740993")]
    public void Parse_numberText_equalsDoubleParse(string text)
    {
        var expected = double.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
        NgsiValue.Parse(text).GetNumber().ShouldBe(expected);
        BitConverter.DoubleToInt64Bits(NgsiValue.Parse(text).GetNumber()).ShouldBe(BitConverter.DoubleToInt64Bits(expected));
    }

    [Fact]
    public void Parse_manyRandomDecimals_matchDoubleParseBitForBit()
    {
        var random = new Random(12345);
        for (var i = 0; i < 20000; i++)
        {
            var whole = random.NextInt64(0, 1_000_000);
            var decimals = random.Next(0, 9);
            var fraction = decimals == 0 ? string.Empty : "." + random.NextInt64(0, (long)Math.Pow(10, decimals)).ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(decimals, '0');
            var text = (random.Next(2) == 0 ? "-" : string.Empty) + whole.ToString(System.Globalization.CultureInfo.InvariantCulture) + fraction;
            var expected = double.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
            BitConverter.DoubleToInt64Bits(NgsiValue.Parse(text).GetNumber()).ShouldBe(BitConverter.DoubleToInt64Bits(expected), text);
        }
    }
}

public class LargeValueTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(17)]
    [InlineData(1000)]
    public void Parse_arraysAndObjectsOfAnySize_keepEveryItemInOrder(int size)
    {
        var array = "[" + string.Join(",", Enumerable.Range(0, size)) + "]";
        var obj = "{" + string.Join(",", Enumerable.Range(0, size).Select(i => $"\"k{i}\":{i}")) + "}";
        var a = NgsiValue.Parse(array);
        a.Count.ShouldBe(size);
        a.Items.ToArray().Select(v => v.GetNumber()).ShouldBe(Enumerable.Range(0, size).Select(i => (double)i));
        var o = NgsiValue.Parse(obj);
        o.Count.ShouldBe(size);
        o.Members.ToArray().Select(m => m.Name).ShouldBe(Enumerable.Range(0, size).Select(i => $"k{i}"));
        o.ToJson().ShouldBe(obj);
    }
}
