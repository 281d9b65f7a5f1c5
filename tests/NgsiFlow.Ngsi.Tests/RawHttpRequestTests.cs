using System.Text;

namespace NgsiFlow.Ngsi.Tests;

public class RawHttpRequestTests
{
    [Fact]
    public void Parse_orionWireFile_splitsHeadersAndBody()
    {
        var request = RawHttpRequest.Parse(TestFiles.Bytes("ngsiv2/orion-wire-notification-normalized.http"));
        request.Method.ShouldBe("POST");
        request.Target.ShouldBe("/notify");
        request.Headers.Get("fiware-servicepath").ShouldBe("/");
        request.Body.Length.ShouldBe(129);
    }

    [Fact]
    public void Parse_bareLineFeeds_areAccepted()
    {
        var request = RawHttpRequest.Parse(Encoding.ASCII.GetBytes("POST /n HTTP/1.1\nA: 1\n\n{}"));
        request.Headers.Get("a").ShouldBe("1");
        request.Body.ShouldBe("{}"u8.ToArray());
    }

    [Fact]
    public void Parse_contentLengthLongerThanBody_saysTruncated()
    {
        Should.Throw<FormatException>(() => RawHttpRequest.Parse(Encoding.ASCII.GetBytes("POST /n HTTP/1.1\r\nContent-Length: 10\r\n\r\n{}")))
            .Message.ShouldContain("truncated");
    }

    [Fact]
    public void Parse_badHeaderLine_namesLine()
    {
        Should.Throw<FormatException>(() => RawHttpRequest.Parse(Encoding.ASCII.GetBytes("POST /n HTTP/1.1\r\nno colon here\r\n\r\n{}")))
            .Message.ShouldContain("line 2");
    }

    [Fact]
    public void LooksLikeRequest_distinguishesJsonFromHttp()
    {
        RawHttpRequest.LooksLikeRequest("POST /notify HTTP/1.1\r\n"u8).ShouldBeTrue();
        RawHttpRequest.LooksLikeRequest("{\"data\":[]}"u8).ShouldBeFalse();
    }
}
