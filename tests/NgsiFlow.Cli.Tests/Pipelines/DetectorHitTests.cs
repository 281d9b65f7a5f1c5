using NgsiFlow.Cli.Pipelines.Detector;

namespace NgsiFlow.Cli.Tests.Pipelines;

public sealed class DetectorHitTests
{
    [Fact]
    public void Parse_validLine_readsEverySeedField()
    {
        var hit = DetectorHit.Parse("2,1,97,3869200167,2374,26");

        hit.ShouldBe(new DetectorHit(2, 1, 97, 3869200167, 2374, 26));
        hit.ToCsv().ShouldBe("2,1,97,3869200167,2374,26");
    }

    [Theory]
    [InlineData(2, 0, 0, 0)]
    [InlineData(2, 0, 63, 0)]
    [InlineData(2, 0, 64, 1)]
    [InlineData(2, 0, 127, 1)]
    [InlineData(2, 1, 0, 2)]
    [InlineData(2, 1, 63, 2)]
    [InlineData(2, 1, 64, 3)]
    [InlineData(2, 1, 127, 3)]
    [InlineData(2, 0, 139, -1)]
    [InlineData(2, 1, 139, -1)]
    [InlineData(2, 0, 130, -1)]
    [InlineData(1, 0, 5, -1)]
    [InlineData(0, 1, 70, -1)]
    public void Chamber_fpgaAndChannel_followTheSeedMapping(int head, int fpga, int channel, int chamber) =>
        new DetectorHit(head, fpga, channel, 1, 0, 0).Chamber.ShouldBe(chamber);

    [Theory]
    [InlineData("2,0,5,100,10", "5 field(s)")]
    [InlineData("2,0,5,100,10,1,7", "more than 6 fields")]
    [InlineData("2,0,five,100,10,1", "field 3 (TDC_CHANNEL) 'five' is not an integer")]
    [InlineData("2,2,5,100,10,1", "field 2 (FPGA) is 2, outside 0..1")]
    [InlineData("2,0,140,100,10,1", "field 3 (TDC_CHANNEL) is 140, outside 0..139")]
    [InlineData("2,0,5,100,3564,1", "field 5 (BX_COUNTER) is 3564, outside 0..3563")]
    [InlineData("2,0,5,-1,10,1", "field 4 (ORBIT_CNT) is -1")]
    public void Parse_badLine_namesTheField(string line, string message) =>
        Should.Throw<FormatException>(() => DetectorHit.Parse(line)).Message.ShouldContain(message);

    [Fact]
    public void ParseLines_bodyWithHeaderAndBlankLines_skipsThemAndNamesABadLine()
    {
        var hits = DetectorHit.ParseLines("HEAD,FPGA,TDC_CHANNEL,ORBIT_CNT,BX_COUNTER,TDC_MEAS\r\n2,0,1,10,5,3\r\n\n2,1,139,10,6,4\n"u8);

        hits.ShouldBe([new DetectorHit(2, 0, 1, 10, 5, 3), new DetectorHit(2, 1, 139, 10, 6, 4)]);
        Should.Throw<FormatException>(() => DetectorHit.ParseLines("2,0,1,10,5,3\n2,0,x,10,5,3\n"u8)).Message.ShouldStartWith("Line 2:");
    }

    [Fact]
    public void HitGenerator_records_stayInTheSeedRanges()
    {
        var generator = new HitGenerator(seed: 3);
        var hits = new DetectorHit[100_000];
        generator.Fill(hits);

        hits.ShouldAllBe(h => h.Head >= 0 && h.Head <= 2 && h.Fpga >= 0 && h.Fpga <= 1 && h.TdcChannel >= 0 && h.TdcChannel <= 139
            && h.BxCounter >= 0 && h.BxCounter <= 3563 && h.TdcMeasure >= 0 && h.TdcMeasure <= 29);
        hits.Count(h => h.Head == 2).ShouldBeGreaterThan(99_000);
        hits.Count(h => h.TdcChannel == 139).ShouldBeGreaterThan(1000);
        for (var i = 1; i < hits.Length; i++)
        {
            hits[i].OrbitCount.ShouldBeGreaterThanOrEqualTo(hits[i - 1].OrbitCount);
        }

        // Every line survives the CSV round trip.
        hits.Take(1000).Select(h => DetectorHit.Parse(h.ToCsv())).ShouldBe(hits.Take(1000));
    }
}
