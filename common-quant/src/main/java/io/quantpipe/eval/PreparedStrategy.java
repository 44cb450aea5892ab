package io.quantpipe.eval;

import io.quantpipe.quant.Quantizer;
import io.quantpipe.search.VectorSearcher;
import io.quantpipe.strategy.Strategy;
import io.quantpipe.strategy.TrainingOptions;

/**
 * One encoding trained and applied to a dataset's corpus, ready to be searched: the product of
 * {@link StrategyEvaluator#prepare}. A plain strategy and its hybrid share one preparation (the
 * hybrid only adds a float32 rescoring step), so an advisor that tries several oversample factors
 * trains and encodes once. Immutable; searchable from any thread.
 *
 * @param strategy the strategy it was prepared for (its base decides the encoding)
 * @param training the training options used, {@code pqM} included
 * @param quantizer the trained quantizer, or null for {@code none}
 * @param searcher the search over the codes (or the float32 vectors for {@code none})
 * @param indexBytes codes plus the serialised model, in bytes
 * @param codeBytes bytes of one code, corrections included
 * @param modelBytes bytes of the serialised quantizer artifact (0 for {@code none})
 * @param trainSeconds training time
 * @param buildSeconds encoding time
 */
public record PreparedStrategy(Strategy strategy, TrainingOptions training, Quantizer quantizer, VectorSearcher searcher,
                               long indexBytes, int codeBytes, long modelBytes, double trainSeconds, double buildSeconds) {}
