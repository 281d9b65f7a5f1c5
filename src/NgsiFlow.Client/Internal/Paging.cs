using System.Runtime.CompilerServices;

namespace NgsiFlow.Client.Internal;

/// <summary>
/// The <c>limit</c>/<c>offset</c> walk that NGSI-v2 and NGSI-LD queries share: ask for pages until the
/// caller's maximum is reached or the broker returns a short page (its last).
/// </summary>
internal static class Paging
{
    /// <summary>Yields every item of every page.</summary>
    /// <param name="offset">The first item's offset.</param>
    /// <param name="maxResults">At most this many items; null for all.</param>
    /// <param name="pageSize">The most asked for in one call.</param>
    /// <param name="fetchPage">Fetches one page given its limit and offset.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    public static async IAsyncEnumerable<T> ReadAllAsync<T>(
        int offset,
        int? maxResults,
        int pageSize,
        Func<int, int, CancellationToken, Task<IReadOnlyList<T>>> fetchPage,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var remaining = maxResults ?? int.MaxValue;
        while (remaining > 0)
        {
            var limit = Math.Min(pageSize, remaining);
            var page = await fetchPage(limit, offset, cancellationToken).ConfigureAwait(false);
            foreach (var item in page)
            {
                yield return item;
            }

            remaining -= page.Count;
            offset += page.Count;
            if (page.Count < limit)
            {
                yield break;
            }
        }
    }
}
