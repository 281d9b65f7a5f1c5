namespace NgsiFlow.Client;

/// <summary>One page of a paged query.</summary>
/// <typeparam name="T">The item type.</typeparam>
/// <param name="Items">The items of this page.</param>
/// <param name="Offset">The offset of the first item.</param>
/// <param name="TotalCount">The total number of matches, when the broker was asked to count (<c>Fiware-Total-Count</c>, <c>NGSILD-Results-Count</c>).</param>
public sealed record NgsiPage<T>(IReadOnlyList<T> Items, int Offset, long? TotalCount);
