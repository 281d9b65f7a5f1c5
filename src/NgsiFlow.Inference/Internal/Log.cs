using Microsoft.Extensions.Logging;

namespace NgsiFlow.Inference.Internal;

/// <summary>The inference library's log messages.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Model {Model}: managed evaluator (compiled scorer: {Compiled})")]
    public static partial void ManagedChosen(ILogger logger, string model, bool compiled);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Model {Model}: ONNX Runtime, because the managed evaluator cannot run node {Node} ({Operator}): {Reason}")]
    public static partial void OnnxRuntimeChosen(ILogger logger, string model, string node, string @operator, string reason);
}
