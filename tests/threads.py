"""Bursts of simultaneous requests, for the concurrency tests in-process and against real app servers."""

import threading


def all_at_once(action, argument_tuples):
    """Call action(*arguments) for each tuple, each in its own thread, all released at the same moment.

    Returns the results in finishing order. A call that raises leaves no result, so a test that counts
    results sees it.
    """
    argument_tuples = list(argument_tuples)
    start, results = threading.Barrier(len(argument_tuples)), []

    def run(arguments):
        start.wait()
        results.append(action(*arguments))

    threads = [threading.Thread(target=run, args=(arguments,)) for arguments in argument_tuples]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
