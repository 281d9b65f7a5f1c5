namespace NgsiFlow.Client;

/// <summary>The <c>timerel</c> of an NGSI-LD temporal query.</summary>
public enum NgsiLdTimeRelation
{
    /// <summary><c>before</c> <see cref="NgsiLdTemporalQuery.TimeAt"/>.</summary>
    Before = 0,

    /// <summary><c>after</c> <see cref="NgsiLdTemporalQuery.TimeAt"/>.</summary>
    After,

    /// <summary><c>between</c> <see cref="NgsiLdTemporalQuery.TimeAt"/> and <see cref="NgsiLdTemporalQuery.EndTimeAt"/>.</summary>
    Between,
}
