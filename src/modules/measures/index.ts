import { defineModule } from '../../core/module';
import { Measure } from './measure.entity';
import { MeasureResolver } from './measures.resolver';
import { measureLoaders } from './measures.service';

/** The measure catalogue (LOINC codes, UCUM units, valid ranges) and the questionnaires the server scores. Not patient data. */
export const measuresModule = defineModule({
  name: 'measures',
  entities: [Measure],
  resolvers: [MeasureResolver],
  loaders: measureLoaders,
});

export { LOCAL_SYSTEM, LOINC_SYSTEM, Measure, MeasureValueType } from './measure.entity';
export { MeasureValueInput } from './measure.types';
export { measures, type MeasuredValue } from './measures.service';
export { ObservationFlag, QUESTIONNAIRES } from './questionnaires';
