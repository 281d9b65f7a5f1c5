using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace NgsiFlow.Connector.Tests;

public sealed class TlsReceiverTests
{
    [Fact]
    public async Task Receiver_with_certificate_serves_https_and_accepts_notifications()
    {
        using var certificate = SelfSigned();
        await using var h = await ReceiverHarness.StartAsync(new ReceiverOptions { Certificate = certificate });
        X509Certificate2? seen = null;
        using var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, cert, _, _) =>
                {
                    seen = cert is null ? null : new X509Certificate2(cert);
                    return seen?.Thumbprint == certificate.Thumbprint;
                },
            },
        };
        using var https = new HttpClient(handler) { BaseAddress = h.Receiver.BaseAddress };
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes("""{"subscriptionId":"s","data":[{"id":"E1","type":"T"}]}"""));
        content.Headers.ContentType = new("application/json");

        using var response = await https.PostAsync("/notify/job1", content);
        await h.StopAsync();

        h.Receiver.BaseAddress.Scheme.ShouldBe("https");
        response.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        seen!.Thumbprint.ShouldBe(certificate.Thumbprint);
        h.Events.ShouldHaveSingleItem().EntityId.ShouldBe("E1");
        seen.Dispose();
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));

        // Kestrel on Linux wants the key in an exportable, persisted form: round-trip through PKCS#12.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12, "t"), "t");
    }
}
