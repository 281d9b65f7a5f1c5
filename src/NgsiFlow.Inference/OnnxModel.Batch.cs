using System.Globalization;
using NgsiFlow.Inference.Internal;

namespace NgsiFlow.Inference;

public sealed partial class OnnxModel
{
    /// <summary>Scores many rows given row-major: <paramref name="rowCount"/> rows of <see cref="FeatureNames"/>.Count features.</summary>
    /// <exception cref="ModelInputException">The span does not hold rowCount whole rows.</exception>
    public BatchPrediction PredictBatch(ReadOnlySpan<double> rows, int rowCount)
    {
        var width = CheckBatch(rows.Length, rowCount);
        var scorer = _shape.Scorer;
        if (scorer is null)
        {
            return RunGraph(rows, rowCount, width);
        }

        var k = scorer.ScoreCount;
        var scores = new double[rowCount * k];
        var labels = new int[rowCount];
        ScoreFastRows(scorer, rows, width, rowCount, scores, labels);
        return new BatchPrediction(_shape, scores, k, labels, null, null);
    }

    private void ScoreFastRows(Internal.Ml.IRowScorer scorer, ReadOnlySpan<double> rows, int width, int count, Span<double> scores, Span<int> labels)
    {
        var type = _shape.InputTypes[0];
        if (type != ElementType.Double)
        {
            // The model declares narrower inputs (usually float, as scikit-learn trees compare): round the same way.
            var narrowed = rows.ToArray();
            ElementTypes.Narrow(type, narrowed);
            scorer.ScoreRows(narrowed, width, count, scores, labels);
        }
        else
        {
            scorer.ScoreRows(rows, width, count, scores, labels);
        }

        ElementTypes.Narrow(scorer.ScoreType, scores);
    }

    /// <summary>
    /// Scores many rows (row-major) on several threads: rows are split into contiguous chunks, one per
    /// worker. Worth it from a few thousand rows; results are identical to <see cref="PredictBatch(ReadOnlySpan{double}, int)"/>.
    /// </summary>
    /// <param name="rows">Row-major features.</param>
    /// <param name="rowCount">Number of rows.</param>
    /// <param name="maxDegreeOfParallelism">Worker count; 0 uses every processor.</param>
    public BatchPrediction PredictBatchParallel(ReadOnlyMemory<double> rows, int rowCount, int maxDegreeOfParallelism = 0)
    {
        var width = CheckBatch(rows.Length, rowCount);
        var scorer = _shape.Scorer;
        var workers = maxDegreeOfParallelism > 0 ? maxDegreeOfParallelism : Environment.ProcessorCount;
        if (workers <= 1 || rowCount < 256)
        {
            return PredictBatch(rows.Span, rowCount);
        }

        if (scorer is null)
        {
            return RunGraphParallel(rows, rowCount, width, workers);
        }

        var k = scorer.ScoreCount;
        var scores = new double[rowCount * k];
        var labels = new int[rowCount];
        var chunk = (rowCount + workers - 1) / workers;
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, w =>
        {
            var start = w * chunk;
            var end = Math.Min(rowCount, start + chunk);
            if (end > start)
            {
                ScoreFastRows(scorer, rows.Span[(start * width)..(end * width)], width, end - start, scores.AsSpan(start * k, (end - start) * k), labels.AsSpan(start, end - start));
            }
        });
        return new BatchPrediction(_shape, scores, k, labels, null, null);
    }

    private int CheckBatch(int length, int rowCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rowCount);
        var width = _shape.FeatureNames.Length;
        if (width == 0)
        {
            CheckWidth(0);
        }

        if (length != rowCount * width)
        {
            throw new ModelInputException($"Model {Name}: {rowCount} rows of {width} features need {rowCount * width} values, got {length}.");
        }

        return width;
    }

    private BatchPrediction RunGraph(ReadOnlySpan<double> rows, int rowCount, int width) => FromOutputs(RunRows(rows, rowCount, width), rowCount);

    /// <summary>Runs the graph on contiguous chunks of rows at once (both evaluators are thread-safe), then joins the outputs row-wise.</summary>
    private BatchPrediction RunGraphParallel(ReadOnlyMemory<double> rows, int rowCount, int width, int workers)
    {
        var chunk = (rowCount + workers - 1) / workers;
        var parts = new OnnxValue[workers][];
        var counts = new int[workers];
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, w =>
        {
            var start = Math.Min(rowCount, w * chunk);
            var end = Math.Min(rowCount, start + chunk);
            counts[w] = end - start;
            parts[w] = counts[w] == 0 ? [] : RunRows(rows.Span[(start * width)..(end * width)], end - start, width);
        });
        var used = Enumerable.Range(0, workers).Where(w => counts[w] > 0).ToArray();
        var outputs = new OnnxValue[parts[used[0]].Length];
        for (var o = 0; o < outputs.Length; o++)
        {
            var pieces = used.Select(w => parts[w][o]).ToArray();
            var joined = OnnxValues.JoinRows(pieces, used.Select(w => counts[w]).ToArray());
            if (joined is null)
            {
                // An output that is not one entry per row (a scalar, a summary): score the batch in one run instead.
                return PredictBatch(rows.Span, rowCount);
            }

            outputs[o] = joined;
        }

        return FromOutputs(outputs, rowCount);
    }

    private OnnxValue[] RunRows(ReadOnlySpan<double> rows, int rowCount, int width)
    {
        var decl = _evaluator.Inputs;
        var tensors = new List<Tensor>(decl.Length);
        if (_shape.SingleInput)
        {
            var type = decl[0].Type;
            if (type == ElementType.String)
            {
                throw new ModelInputException($"Model {Name}: input '{decl[0].Name}' takes strings, not numeric features.");
            }

            var data = rows.ToArray();
            ElementTypes.Narrow(type, data);
            tensors.Add(new Tensor(type, [rowCount, .. _shape.RowShape], data));
        }
        else
        {
            for (var j = 0; j < decl.Length; j++)
            {
                if (decl[j].Type == ElementType.String)
                {
                    throw new ModelInputException($"Model {Name}: input '{decl[j].Name}' takes strings, not numeric features.");
                }

                var column = new double[rowCount];
                for (var r = 0; r < rowCount; r++)
                {
                    column[r] = ElementTypes.Narrow(decl[j].Type, rows[(r * width) + j]);
                }

                int[] shape = decl[j].Dims is { Length: 1 } ? [rowCount] : [rowCount, 1];
                tensors.Add(new Tensor(decl[j].Type, shape, column));
            }
        }

        return _evaluator.Run(tensors);
    }

    private BatchPrediction FromOutputs(OnnxValue[] outputs, int rowCount)
    {
        var k = 0;
        double[] scores = [];
        if (_shape.ScoreOutput >= 0)
        {
            switch (outputs[_shape.ScoreOutput])
            {
                case Tensor t when !t.IsString:
                    k = rowCount == 0 ? 0 : t.Length / rowCount;
                    scores = t.Numbers;
                    break;
                case MapSequence m:
                    k = m.Rows.Length == 0 ? 0 : m.Rows[0].Length;
                    scores = m.Rows.SelectMany(r => r).ToArray();
                    break;
            }
        }

        var labelIndex = new int[rowCount];
        string?[]? labels = null;
        if (_shape.LabelOutput >= 0 && outputs[_shape.LabelOutput] is Tensor lt && lt.Length == rowCount)
        {
            labels = new string?[rowCount];
            for (var r = 0; r < rowCount; r++)
            {
                labels[r] = lt.IsString ? lt.Strings[r] : ((long)lt.Numbers[r]).ToString(CultureInfo.InvariantCulture);
                labelIndex[r] = _shape.ClassLabels is null ? -1 : Array.IndexOf(_shape.ClassLabels, labels[r]);
            }
        }
        else
        {
            Array.Fill(labelIndex, -1);
        }

        return new BatchPrediction(_shape, scores, k, labelIndex, labels, outputs);
    }
}
