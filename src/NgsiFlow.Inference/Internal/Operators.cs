using NgsiFlow.Inference.Internal.Kernels;
using NgsiFlow.Inference.Internal.Ml;

namespace NgsiFlow.Inference.Internal;

/// <summary>The operators NgsiFlow runs, by domain and name, and the opset versions it understands.</summary>
internal static class Operators
{
    public const string CoreDomain = "";
    public const string MlDomain = "ai.onnx.ml";
    public const int CoreOpsetMin = 7;
    public const int CoreOpsetMax = 18;
    public const int MlOpsetMin = 1;
    public const int MlOpsetMax = 3;

    private static readonly Dictionary<string, Func<NodeContext, Kernel>> Core = new(StringComparer.Ordinal)
    {
        ["Add"] = BinaryKernel.Factory((a, b) => a + b),
        ["Sub"] = BinaryKernel.Factory((a, b) => a - b),
        ["Mul"] = BinaryKernel.Factory((a, b) => a * b),
        ["Div"] = BinaryKernel.Factory((a, b) => a / b, (a, b) => Math.Truncate(a / b)),
        ["Pow"] = BinaryKernel.Factory(Math.Pow),
        ["Relu"] = UnaryKernel.Factory(x => x > 0 ? x : 0),
        ["Sigmoid"] = UnaryKernel.Factory(UnaryKernel.Sigmoid),
        ["Tanh"] = UnaryKernel.Factory(Math.Tanh),
        ["Sqrt"] = UnaryKernel.Factory(Math.Sqrt),
        ["Exp"] = UnaryKernel.Factory(Math.Exp),
        ["Log"] = UnaryKernel.Factory(Math.Log),
        ["Abs"] = UnaryKernel.Factory(Math.Abs),
        ["Neg"] = UnaryKernel.Factory(x => -x),
        ["Clip"] = ctx => new ClipKernel(ctx),
        ["MatMul"] = _ => new MatMulKernel(),
        ["Gemm"] = ctx => new GemmKernel(ctx),
        ["Softmax"] = ctx => new SoftmaxKernel(ctx, log: false),
        ["LogSoftmax"] = ctx => new SoftmaxKernel(ctx, log: true),
        ["ArgMax"] = ctx => new ArgKernel(ctx, max: true),
        ["ArgMin"] = ctx => new ArgKernel(ctx, max: false),
        ["Cast"] = ctx => new CastKernel(ctx, like: false),
        ["CastLike"] = ctx => new CastKernel(ctx, like: true),
        ["Reshape"] = ctx => new ReshapeKernel(ctx),
        ["Flatten"] = ctx => new FlattenKernel(ctx),
        ["Concat"] = ctx => new ConcatKernel(ctx),
        ["Identity"] = _ => new IdentityKernel(),
        ["Transpose"] = ctx => new TransposeKernel(ctx),
        ["Squeeze"] = ctx => new SqueezeKernel(ctx, unsqueeze: false),
        ["Unsqueeze"] = ctx => new SqueezeKernel(ctx, unsqueeze: true),
        ["Shape"] = ctx => new ShapeKernel(ctx),
        ["Gather"] = ctx => new GatherKernel(ctx),
        ["Slice"] = ctx => new SliceKernel(ctx),
        ["ReduceSum"] = ctx => new ReduceKernel(ctx),
        ["ReduceMean"] = ctx => new ReduceKernel(ctx),
        ["ReduceSumSquare"] = ctx => new ReduceKernel(ctx),
        ["ReduceMax"] = ctx => new ReduceKernel(ctx),
        ["ReduceMin"] = ctx => new ReduceKernel(ctx),
        ["Constant"] = ctx => new ConstantKernel(ctx),
    };

    private static readonly Dictionary<string, Func<NodeContext, Kernel>> Ml = new(StringComparer.Ordinal)
    {
        ["TreeEnsembleRegressor"] = ctx => new TreeEnsembleKernel(ctx, classifier: false),
        ["TreeEnsembleClassifier"] = ctx => new TreeEnsembleKernel(ctx, classifier: true),
        ["LinearRegressor"] = ctx => new LinearKernel(ctx, classifier: false),
        ["LinearClassifier"] = ctx => new LinearKernel(ctx, classifier: true),
        ["Scaler"] = ctx => new ScalerKernel(ctx),
        ["Normalizer"] = ctx => new NormalizerKernel(ctx),
        ["Binarizer"] = ctx => new BinarizerKernel(ctx),
        ["Imputer"] = ctx => new ImputerKernel(ctx),
        ["ArrayFeatureExtractor"] = _ => new ArrayFeatureExtractorKernel(),
        ["ZipMap"] = ctx => new ZipMapKernel(ctx),
        ["LabelEncoder"] = ctx => new LabelEncoderKernel(ctx),
        ["OneHotEncoder"] = ctx => new OneHotEncoderKernel(ctx),
    };

    public static IEnumerable<string> CoreOperators => Core.Keys;

    public static IEnumerable<string> MlOperators => Ml.Keys;

    public static bool IsCore(string domain) => domain.Length == 0 || domain == "ai.onnx";

    public static Func<NodeContext, Kernel>? Find(string domain, string op) =>
        IsCore(domain) ? Core.GetValueOrDefault(op)
        : domain == MlDomain ? Ml.GetValueOrDefault(op)
        : null;
}
