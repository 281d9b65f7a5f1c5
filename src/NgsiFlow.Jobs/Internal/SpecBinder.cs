using System.Net;
using System.Text.Json.Nodes;
using NgsiFlow.Client;
using NgsiFlow.Connector;
using NgsiFlow.Inference;
using NgsiFlow.Ngsi;

namespace NgsiFlow.Jobs.Internal;

/// <summary>Binds a schema-checked document to a <see cref="JobSpec"/>, checking what a schema cannot say.</summary>
internal static partial class SpecBinder
{
    public static JobSpec Bind(YamlDocument document, string baseDirectory, SpecReader r)
    {
        var root = document.Root;
        var broker = Broker(r, SpecReader.At(root, "broker"), "/broker");
        var window = SpecReader.Has(root, "window") ? Window(r, SpecReader.At(root, "window"), "/window") : null;
        var aggregates = window?.Aggregates.Select(a => a.Name).ToHashSet(StringComparer.Ordinal) ?? [];
        var features = SpecReader.At(root, "features") is JsonArray ? Features(r, SpecReader.At(root, "features"), "/features", aggregates) : null;
        var hasModel = SpecReader.Has(root, "model");
        var model = hasModel ? Model(r, SpecReader.At(root, "model"), "/model", baseDirectory) : null;
        if (!hasModel && features is not null)
        {
            r.Error("/features", "features are the model's inputs, but the job has no model");
        }

        var outputs = Outputs(r, root, hasModel, aggregates);
        return new JobSpec
        {
            Name = r.Text(root, string.Empty, "name") ?? "job",
            Description = r.Text(root, string.Empty, "description") ?? string.Empty,
            File = document.File,
            BaseDirectory = baseDirectory,
            Broker = broker,
            Subscribe = Subscription(r, SpecReader.At(root, "subscribe"), "/subscribe", broker.Api),
            Receiver = Receiver(r, SpecReader.At(root, "receiver"), "/receiver"),
            Transforms = Transforms(r, SpecReader.At(root, "transforms"), "/transforms"),
            Features = features,
            Model = model,
            Outputs = outputs,
            Window = window,
            WriteBack = WriteBack(r, SpecReader.At(root, "writeBack"), "/writeBack", outputs),
            Sinks = Sinks(r, SpecReader.At(root, "sinks"), "/sinks"),
            Document = document,
        };
    }

    private static JobBroker Broker(SpecReader r, JsonNode? node, string at)
    {
        var api = r.Text(node, at, "api") == "ld" ? NgsiApi.Ld : NgsiApi.V2;
        var urlText = r.Text(node, at, "url");
        var embedded = r.Boolean(node, "embedded") ?? false;
        Uri? url = null;
        if (urlText == "embedded")
        {
            embedded = true;
        }
        else if (urlText is not null)
        {
            url = r.Url(node, at, "url");
            if (embedded)
            {
                r.Error(at + "/embedded", "a broker is either embedded or at a url, not both");
            }
        }
        else if (!embedded)
        {
            r.Error(at, "missing 'url' (the broker's base URL, such as http://localhost:1026) or 'embedded: true'");
        }

        if (embedded && api == NgsiApi.Ld)
        {
            r.Error(at + "/api", "the embedded broker speaks NGSI-v2 only; use api: v2 or a url of an NGSI-LD broker");
        }

        var servicePath = r.Text(node, at, "servicePath");
        if (servicePath is not null && !servicePath.StartsWith('/'))
        {
            r.Error(at + "/servicePath", $"'{servicePath}' is not a service path: it starts with '/', as /factory/line1");
        }

        return new JobBroker(url, embedded, api, r.Text(node, at, "tenant"), servicePath, Auth(r, SpecReader.At(node, "auth"), at + "/auth"));
    }

    private static NgsiAuthOptions Auth(SpecReader r, JsonNode? node, string at)
    {
        var auth = new NgsiAuthOptions();
        if (node is null)
        {
            return auth;
        }

        var token = r.Text(node, at, "token");
        var tokenUrl = SpecReader.Has(node, "tokenUrl") ? r.Url(node, at, "tokenUrl") : null;
        if (token is not null && SpecReader.Has(node, "tokenUrl"))
        {
            r.Error(at, "give either a static 'token' or an OAuth2 'tokenUrl' with 'clientId' and 'clientSecret', not both");
        }
        else if (token is not null)
        {
            auth.Mode = NgsiAuthMode.StaticToken;
            auth.Token = token;
            auth.TokenHeader = r.Text(node, at, "header") == "bearer" ? NgsiTokenHeader.Bearer : NgsiTokenHeader.XAuthToken;
        }
        else if (SpecReader.Has(node, "tokenUrl"))
        {
            auth.Mode = NgsiAuthMode.OAuth2ClientCredentials;
            auth.TokenEndpoint = tokenUrl;
            auth.ClientId = r.NonEmpty(node, at, "clientId");
            auth.ClientSecret = r.Text(node, at, "clientSecret");
            auth.Scope = r.Text(node, at, "scope");
            if (auth.ClientId is null || auth.ClientSecret is null)
            {
                r.Error(at, "OAuth2 client credentials need 'clientId' and 'clientSecret' beside 'tokenUrl'");
            }
        }
        else
        {
            r.Error(at, "give a static 'token', or 'tokenUrl', 'clientId' and 'clientSecret' for OAuth2");
        }

        return auth;
    }

    private static JobSubscription Subscription(SpecReader r, JsonNode? node, string at, NgsiApi api)
    {
        var entities = new List<EntityFilter>();
        if (SpecReader.At(node, "entities") is JsonArray array)
        {
            for (var i = 0; i < array.Count; i++)
            {
                var e = array[i];
                var here = YamlDocument.Child(YamlDocument.Child(at, "entities"), i);
                var id = r.NonEmpty(e, here, "id");
                var idPattern = r.NonEmpty(e, here, "idPattern");
                var type = r.NonEmpty(e, here, "type");
                var typePattern = r.NonEmpty(e, here, "typePattern");
                if (id is not null && idPattern is not null)
                {
                    r.Error(here, "give 'id' or 'idPattern', not both");
                }
                else if (type is not null && typePattern is not null)
                {
                    r.Error(here, "give 'type' or 'typePattern', not both");
                }
                else if (id is null && idPattern is null && type is null && typePattern is null)
                {
                    r.Error(here, "an entity filter needs 'type', 'typePattern', 'id' or 'idPattern'");
                }
                else
                {
                    entities.Add(new EntityFilter(id, idPattern ?? (id is null ? ".*" : null), type, typePattern));
                }
            }
        }

        var format = r.Text(node, at, "format") switch
        {
            null or "auto" => NotificationFormat.Auto,
            "normalized" => api == NgsiApi.Ld ? NotificationFormat.LdNormalized : NotificationFormat.V2Normalized,
            "keyValues" => api == NgsiApi.Ld ? NotificationFormat.LdSimplified : NotificationFormat.V2KeyValues,
            "values" => NotificationFormat.V2Values,
            "simplifiedNormalized" => NotificationFormat.V2SimplifiedNormalized,
            "simplifiedKeyValues" => NotificationFormat.V2SimplifiedKeyValues,
            _ => NotificationFormat.LdConcise,
        };
        var formatText = r.Text(node, at, "format");
        if (api == NgsiApi.Ld && formatText is "values" or "simplifiedNormalized" or "simplifiedKeyValues")
        {
            r.Error(at + "/format", $"'{formatText}' is an NGSI-v2 format; NGSI-LD brokers notify normalized, keyValues or concise");
        }
        else if (api == NgsiApi.V2 && formatText == "concise")
        {
            r.Error(at + "/format", "'concise' is an NGSI-LD format; NGSI-v2 brokers notify normalized, keyValues, values, simplifiedNormalized or simplifiedKeyValues");
        }

        return new JobSubscription(
            entities,
            SpecReader.Has(node, "conditionAttributes") ? r.Texts(node, at, "conditionAttributes") : null,
            r.Texts(node, at, "attributes"),
            r.NonEmpty(node, at, "q"),
            format,
            r.Duration(node, at, "throttling"),
            r.Duration(node, at, "lifetime", allowZero: false));
    }

    private static JobReceiver Receiver(SpecReader r, JsonNode? node, string at)
    {
        var port = (int)(r.Number(node, "port") ?? 9100);
        var listenText = r.Text(node, at, "listen");
        var listen = IPAddress.Loopback;
        if (listenText is not null && !IPAddress.TryParse(listenText, out listen!))
        {
            r.Error(at + "/listen", $"'{listenText}' is not an IP address (use 127.0.0.1, or 0.0.0.0 for every interface)");
            listen = IPAddress.Loopback;
        }

        return new JobReceiver(port, listen, r.Url(node, at, "publicUrl"));
    }

    private static JobModel? Model(SpecReader r, JsonNode? node, string at, string baseDirectory)
    {
        var path = r.NonEmpty(node, at, "path");
        var engine = r.Text(node, at, "engine") switch
        {
            "managed" => OnnxModelEngine.Managed,
            "onnxruntime" => OnnxModelEngine.OnnxRuntime,
            _ => OnnxModelEngine.Auto,
        };
        if (path is null)
        {
            return null;
        }

        var full = Path.GetFullPath(Path.Combine(baseDirectory, path));
        if (!System.IO.File.Exists(full))
        {
            r.Error(at + "/path", $"no such file: {full}");
            return null;
        }

        return new JobModel(full, engine);
    }
}
