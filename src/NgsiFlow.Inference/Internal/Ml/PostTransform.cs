namespace NgsiFlow.Inference.Internal.Ml;

/// <summary>The post_transform attribute of the ai.onnx.ml scoring operators.</summary>
internal enum PostTransformKind
{
    None,
    Softmax,
    Logistic,
    SoftmaxZero,
    Probit,
}

internal static class PostTransform
{
    public static PostTransformKind Parse(NodeContext ctx)
    {
        var text = ctx.String("post_transform", "NONE");
        return text switch
        {
            "NONE" => PostTransformKind.None,
            "SOFTMAX" => PostTransformKind.Softmax,
            "LOGISTIC" => PostTransformKind.Logistic,
            "SOFTMAX_ZERO" => PostTransformKind.SoftmaxZero,
            "PROBIT" => PostTransformKind.Probit,
            _ => throw ctx.Error($"post_transform '{text}' is not supported (NONE, SOFTMAX, LOGISTIC, SOFTMAX_ZERO, PROBIT)."),
        };
    }

    public static void Apply(PostTransformKind kind, Span<double> scores)
    {
        switch (kind)
        {
            case PostTransformKind.None:
                break;
            case PostTransformKind.Logistic:
                for (var i = 0; i < scores.Length; i++)
                {
                    scores[i] = Kernels.UnaryKernel.Sigmoid(scores[i]);
                }

                break;
            case PostTransformKind.Softmax:
                Softmax(scores, skipZeros: false);
                break;
            case PostTransformKind.SoftmaxZero:
                Softmax(scores, skipZeros: true);
                break;
            case PostTransformKind.Probit:
                for (var i = 0; i < scores.Length; i++)
                {
                    scores[i] = Probit(scores[i]);
                }

                break;
        }
    }

    private static void Softmax(Span<double> s, bool skipZeros)
    {
        var max = double.NegativeInfinity;
        foreach (var v in s)
        {
            if (!(skipZeros && v == 0))
            {
                max = Math.Max(max, v);
            }
        }

        double sum = 0;
        for (var i = 0; i < s.Length; i++)
        {
            s[i] = skipZeros && s[i] == 0 ? 0 : Math.Exp(s[i] - max);
            sum += s[i];
        }

        if (sum > 0)
        {
            for (var i = 0; i < s.Length; i++)
            {
                s[i] /= sum;
            }
        }
    }

    /// <summary>The standard normal quantile function: sqrt(2) * erfinv(2p - 1).</summary>
    public static double Probit(double p) => Math.Sqrt(2) * ErfInv((2 * p) - 1);

    /// <summary>Inverse error function, Giles' approximation refined by two Newton steps on erf.</summary>
    public static double ErfInv(double x)
    {
        if (x <= -1)
        {
            return double.NegativeInfinity;
        }

        if (x >= 1)
        {
            return double.PositiveInfinity;
        }

        var w = -Math.Log((1 - x) * (1 + x));
        double p;
        if (w < 5)
        {
            w -= 2.5;
            p = 2.81022636e-08;
            p = 3.43273939e-07 + (p * w);
            p = -3.5233877e-06 + (p * w);
            p = -4.39150654e-06 + (p * w);
            p = 0.00021858087 + (p * w);
            p = -0.00125372503 + (p * w);
            p = -0.00417768164 + (p * w);
            p = 0.246640727 + (p * w);
            p = 1.50140941 + (p * w);
        }
        else
        {
            w = Math.Sqrt(w) - 3;
            p = -0.000200214257;
            p = 0.000100950558 + (p * w);
            p = 0.00134934322 + (p * w);
            p = -0.00367342844 + (p * w);
            p = 0.00573950773 + (p * w);
            p = -0.0076224613 + (p * w);
            p = 0.00943887047 + (p * w);
            p = 1.00167406 + (p * w);
            p = 2.83297682 + (p * w);
        }

        var y = p * x;
        for (var i = 0; i < 2; i++)
        {
            var err = Erf(y) - x;
            y -= err / (2 / Math.Sqrt(Math.PI) * Math.Exp(-y * y));
        }

        return y;
    }

    /// <summary>erf by the Abramowitz-Stegun 7.1.26-free series/continued fraction split, accurate to ~1e-15.</summary>
    public static double Erf(double x)
    {
        var ax = Math.Abs(x);
        double r;
        if (ax < 2.5)
        {
            // Maclaurin series: converges quickly for small |x|.
            double term = ax, sum = ax;
            var x2 = ax * ax;
            for (var n = 1; n < 200; n++)
            {
                term *= -x2 / n;
                var add = term / ((2 * n) + 1);
                sum += add;
                if (Math.Abs(add) < 1e-17 * Math.Abs(sum))
                {
                    break;
                }
            }

            r = 2 / Math.Sqrt(Math.PI) * sum;
        }
        else
        {
            // Continued fraction for erfc, evaluated bottom-up.
            double f = 0;
            for (var n = 60; n >= 1; n--)
            {
                f = n / 2.0 / (ax + f);
            }

            r = 1 - (Math.Exp(-ax * ax) / Math.Sqrt(Math.PI) / (ax + f));
        }

        return x < 0 ? -r : r;
    }
}
