// Stand-in for include/linux/nodemask.h and topology.h: NUMA nodes.
//
// MODEL: every node is online and possible; the number of nodes is a parameter of the run
// (1 by default, 2 for the multi-node form of R1), and a task runs on the node it was given.
#pragma once

extern int nr_node_ids;
void model_set_nr_nodes(int n);
inline int num_possible_nodes(void)
{
    return nr_node_ids;
}
int numa_node_id(void);

#define for_each_node(node) for ((node) = 0; (node) < nr_node_ids; (node)++)
