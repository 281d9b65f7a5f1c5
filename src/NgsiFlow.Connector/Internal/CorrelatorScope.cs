using System.Collections;

namespace NgsiFlow.Connector.Internal;

/// <summary>The log scope of one notification: its Fiware-Correlator, so that every log line about it can be found
/// next to the broker's (JSON logs carry it as <c>FiwareCorrelator</c>).</summary>
internal sealed class CorrelatorScope(string correlator) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public int Count => 1;

    public KeyValuePair<string, object?> this[int index] =>
        index == 0 ? new("FiwareCorrelator", correlator) : throw new ArgumentOutOfRangeException(nameof(index));

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        yield return this[0];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => "Fiware-Correlator: " + correlator;
}
