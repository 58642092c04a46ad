/// A bipartite graph with a Hopcroft–Karp maximum matching.
///
/// Onset matching graphs are small and sparse (each estimate touches the few
/// references inside its window), but duplicates can make them dense, so the
/// matching must be truly maximum rather than greedy.
struct BipartiteGraph {
    let leftCount: Int
    let rightCount: Int
    private var adjacency: [[Int]]

    init(leftCount: Int, rightCount: Int) {
        self.leftCount = leftCount
        self.rightCount = rightCount
        self.adjacency = Array(repeating: [], count: leftCount)
    }

    mutating func addEdge(_ left: Int, _ right: Int) {
        adjacency[left].append(right)
    }

    func maximumMatchingSize() -> Int {
        let unmatched = -1
        var matchOfLeft = Array(repeating: unmatched, count: leftCount)
        var matchOfRight = Array(repeating: unmatched, count: rightCount)
        var distance = Array(repeating: 0, count: leftCount)
        let infinity = Int.max
        var size = 0

        // Layer the free left vertices by BFS; true if an augmenting path exists.
        func buildLayers() -> Bool {
            var queue: [Int] = []
            for u in 0..<leftCount {
                if matchOfLeft[u] == unmatched { distance[u] = 0; queue.append(u) } else { distance[u] = infinity }
            }
            var found = false
            var head = 0
            while head < queue.count {
                let u = queue[head]; head += 1
                for v in adjacency[u] {
                    let w = matchOfRight[v]
                    if w == unmatched { found = true } else if distance[w] == infinity {
                        distance[w] = distance[u] + 1
                        queue.append(w)
                    }
                }
            }
            return found
        }

        // Iterative DFS along the layers, so long chains cannot overflow the stack.
        func augment(from root: Int) -> Bool {
            var stack: [(u: Int, edge: Int)] = [(root, 0)]
            var path: [(u: Int, v: Int)] = []
            while let top = stack.last {
                let u = top.u
                if top.edge == adjacency[u].count {
                    distance[u] = infinity   // dead end: prune for this phase
                    stack.removeLast()
                    if !path.isEmpty { path.removeLast() }
                    continue
                }
                let v = adjacency[u][top.edge]
                stack[stack.count - 1].edge += 1
                let w = matchOfRight[v]
                if w == unmatched {
                    path.append((u, v))
                    for (pu, pv) in path { matchOfLeft[pu] = pv; matchOfRight[pv] = pu }
                    return true
                }
                if distance[w] == distance[u] + 1 {
                    path.append((u, v))
                    stack.append((w, 0))
                }
            }
            return false
        }

        while buildLayers() {
            for u in 0..<leftCount where matchOfLeft[u] == unmatched {
                if augment(from: u) { size += 1 }
            }
        }
        return size
    }
}
